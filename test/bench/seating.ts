// 考场编排 at county scale: 100,000 students of 200 schools (six to ten classes each, 30–60 students a class, 1 % in
// special rooms), seated per school and in one alliance venue, with the exam numbers generated after. Every room is
// checked: capacity, balance, no two of one class side by side or front and back. Goal ≤ 10 s. npm run bench:seating.
import { DEFAULT_RULE, generateExamNumbers } from '../../src/candidates/domain/exam-number-rule.js';
import {
  allocateSeats,
  sameClassNeighbours,
  type SeatingSettings,
  type SeatingStudent,
} from '../../src/candidates/domain/seating.js';

const GOAL_S = 10;
let seed = 16;
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) / 65536;

function roster(total: number, schools: number): SeatingStudent[] {
  const out: SeatingStudent[] = [];
  for (let s = 1; s <= schools && out.length < total; s++) {
    const classes = 6 + Math.floor(rnd() * 5);
    for (let c = 0; c < classes; c++) {
      const size = 30 + Math.floor(rnd() * 31);
      for (let k = 0; k < size; k++)
        out.push({ studentId: out.length + 1, schoolId: s, classId: s * 100 + c, special: rnd() < 0.01 });
    }
  }
  // Fill up (or cut down) to exactly `total`, spread over the schools' first classes.
  while (out.length < total) {
    const s = 1 + (out.length % schools);
    out.push({ studentId: out.length + 1, schoolId: s, classId: s * 100, special: false });
  }
  return out.slice(0, total);
}

function run(label: string, students: SeatingStudent[], settings: SeatingSettings) {
  const names = { school: (id: number) => `学校${id}`, className: (id: number) => `${(id % 100) + 1}班` };
  const t0 = performance.now();
  const out = allocateSeats(students, settings, names);
  const seconds = (performance.now() - t0) / 1000;
  if (!out.ok) throw new Error(out.errors.slice(0, 3).join('\n'));
  const classOf = new Map(students.map((s) => [s.studentId, s.classId]));
  const clashes = out.rooms.reduce((n, r) => n + sameClassNeighbours(r, (id) => classOf.get(id)!).length, 0);
  const seated = out.rooms.reduce((n, r) => n + r.seats.length, 0);
  const over = out.rooms.filter((r) => r.seats.length > r.capacity).length;
  console.log(
    `bench:seating ${label}: ${seated} students of ${new Set(students.map((s) => s.schoolId)).size} schools in ` +
      `${out.rooms.length} rooms (${out.rooms.filter((r) => r.special).length} special) in ${seconds.toFixed(2)} s ` +
      `(goal ≤ ${GOAL_S} s: ${seconds <= GOAL_S ? 'met' : 'NOT met'}); class neighbours ${clashes}, rooms over capacity ${over}`,
  );
  return out.rooms;
}

function main() {
  const students = roster(100_000, 200);
  const base = { capacity: 30, columns: 5, specialCapacity: 10, venueSchoolId: 1, maxRooms: null };
  const rooms = run('per school', students, { ...base, scope: 'school' });
  run('one venue', students, { ...base, scope: 'alliance' });

  const seatOf = new Map(rooms.flatMap((r) => r.seats.map((s) => [s.studentId, { room: r.roomNo, seat: s.seat }])));
  const t0 = performance.now();
  const numbered = generateExamNumbers(
    {
      segments: [
        { kind: 'school', length: 3 },
        { kind: 'room', length: 4 },
        { kind: 'seat', length: 2 },
      ],
      checkDigit: DEFAULT_RULE.checkDigit,
      year: 2026,
    },
    students.map((s) => ({
      studentId: s.studentId,
      schoolId: s.schoolId,
      schoolCode: String(s.schoolId),
      classId: s.classId,
      className: `${(s.classId % 100) + 1}班`,
      rosterNo: String(s.studentId),
      ...seatOf.get(s.studentId)!,
    })),
  );
  if (!numbered.ok) throw new Error(numbered.errors.join());
  console.log(
    `bench:seating exam numbers: ${numbered.numbers.size} numbers of ${[...numbered.numbers.values()][0].length} digits in ${((performance.now() - t0) / 1000).toFixed(2)} s`,
  );
}

main();
