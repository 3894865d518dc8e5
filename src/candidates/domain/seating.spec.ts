import {
  allocateSeats,
  maxApart,
  placeRoom,
  sameClassNeighbours,
  type PlannedRoom,
  type SeatingSettings,
  type SeatingStudent,
} from './seating.js';

const names = { school: (id: number) => `学校${id}`, className: (id: number) => `${id}班` };
const settings = (s: Partial<SeatingSettings> = {}): SeatingSettings => ({
  scope: 'school',
  capacity: 30,
  columns: 5,
  specialCapacity: 10,
  venueSchoolId: null,
  maxRooms: null,
  ...s,
});

/** A school's classes of the given sizes; class ids are schoolId * 100 + n. */
function school(schoolId: number, sizes: number[], firstId = schoolId * 10_000): SeatingStudent[] {
  let id = firstId;
  return sizes.flatMap((size, n) =>
    Array.from({ length: size }, () => ({ studentId: id++, schoolId, classId: schoolId * 100 + n, special: false })),
  );
}

/** A tiny deterministic generator (mulberry32) for the random rosters. */
function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The rules every allocation keeps, checked on its result. */
function expectRulesKept(students: SeatingStudent[], rooms: PlannedRoom[], s: SeatingSettings) {
  const byId = new Map(students.map((x) => [x.studentId, x]));
  const seated = rooms.flatMap((r) => r.seats.map((x) => x.studentId));
  expect(seated.sort((a, b) => a - b)).toEqual(students.map((x) => x.studentId).sort((a, b) => a - b));
  for (const r of rooms) {
    expect(r.seats.length).toBeLessThanOrEqual(r.special ? s.specialCapacity : s.capacity);
    expect(new Set(r.seats.map((x) => x.seat)).size).toBe(r.seats.length);
    expect(r.seats.every((x) => x.seat >= 1 && x.seat <= r.capacity)).toBe(true);
    expect(sameClassNeighbours(r, (id) => byId.get(id)!.classId)).toEqual([]);
    for (const x of r.seats) {
      expect(byId.get(x.studentId)!.special).toBe(r.special);
      if (s.scope === 'school') expect(byId.get(x.studentId)!.schoolId).toBe(r.hostSchoolId);
      else expect(r.hostSchoolId).toBe(s.venueSchoolId);
    }
  }
  // Balanced: within one host's ordinary (or special) rooms, head counts differ by at most one.
  const groups = new Map<string, number[]>();
  for (const r of rooms) {
    const key = `${r.hostSchoolId}:${r.special}`;
    groups.set(key, [...(groups.get(key) ?? []), r.seats.length]);
  }
  for (const sizes of groups.values()) expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
}

describe('seat allocation', () => {
  it.each([
    ['61 students into rooms of 30: three rooms of 21, 20, 20', [31, 30], 30, [21, 20, 20]],
    ['one class of 45: three rooms of 15 (at most 15 of a class apart in a room of 30)', [45], 30, [15, 15, 15]],
    ['exactly full rooms', [30, 30], 30, [30, 30]],
    ['one student', [1], 30, [1]],
    ['six classes of 45 in rooms of 30 (9 rooms of 30)', [45, 45, 45, 45, 45, 45], 30, Array(9).fill(30)],
    ['a count that does not divide evenly: 101 into rooms of 25', [40, 31, 30], 25, [21, 20, 20, 20, 20]],
  ])('%s', (_, sizes, capacity, expected) => {
    const students = school(1, sizes as number[]);
    const s = settings({ capacity: capacity as number });
    const out = allocateSeats(students, s, names);
    if (!out.ok) throw new Error(out.errors.join('\n'));
    expect(out.rooms.map((r) => r.seats.length)).toEqual(expected);
    expectRulesKept(students, out.rooms, s);
  });

  it('keeps each school in its own rooms, numbered on across schools', () => {
    const students = [...school(1, [30, 28]), ...school(2, [15, 10])];
    const out = allocateSeats(students, settings(), names);
    if (!out.ok) throw new Error(out.errors.join());
    expect(out.rooms.map((r) => [r.roomNo, r.hostSchoolId, r.seats.length])).toEqual([
      [1, 1, 29],
      [2, 1, 29],
      [3, 2, 25],
    ]);
  });

  it('mixes schools in one venue when the scope is the alliance', () => {
    const students = [...school(1, [40, 40]), ...school(2, [35]), ...school(3, [12, 13])];
    const s = settings({ scope: 'alliance', venueSchoolId: 2 });
    const out = allocateSeats(students, s, names);
    if (!out.ok) throw new Error(out.errors.join());
    expect(out.rooms).toHaveLength(5);
    expectRulesKept(students, out.rooms, s);
    expect(out.rooms.every((r) => new Set(r.seats.map((x) => Math.floor(x.studentId / 10_000))).size === 3)).toBe(true);
  });

  it('seats flagged students in special rooms of their own capacity', () => {
    const students = school(1, [30, 30]).map((x, i) => ({ ...x, special: i % 20 === 0 }));
    const s = settings();
    const out = allocateSeats(students, s, names);
    if (!out.ok) throw new Error(out.errors.join());
    expect(out.rooms.map((r) => [r.special, r.seats.length])).toEqual([
      [false, 29],
      [false, 28],
      [true, 3],
    ]);
    expectRulesKept(students, out.rooms, s);
  });

  it.each([
    [[15, 15], 30, 6],
    [[15, 10, 5], 30, 5],
    [[8, 8, 7, 7], 30, 5],
    [[13, 9, 3, 2, 1, 1, 1], 30, 6],
    [[18, 17], 36, 6],
    [[5, 5, 5, 5, 5, 5], 30, 6],
    [[4, 4, 4], 12, 3],
    [[2, 1], 3, 1],
  ])('places a room with classes %j (capacity %i, %i per row) with no class neighbours', (sizes, capacity, columns) => {
    const students = school(1, sizes);
    const seats = placeRoom(students, capacity, columns);
    expect(seats).not.toBeNull();
    const room: PlannedRoom = { roomNo: 1, hostSchoolId: 1, special: false, capacity, columns, seats: seats! };
    expect(sameClassNeighbours(room, (id) => students.find((x) => x.studentId === id)!.classId)).toEqual([]);
  });

  it('keeps the rules on 300 random rosters of both scopes', () => {
    const rand = rng(16);
    for (let t = 0; t < 300; t++) {
      const schools = 1 + Math.floor(rand() * 4);
      const students = Array.from({ length: schools }, (_, i) =>
        school(
          i + 1,
          Array.from({ length: 1 + Math.floor(rand() * 5) }, () => 1 + Math.floor(rand() * 45)),
        ),
      )
        .flat()
        .map((x) => ({ ...x, special: rand() < 0.03 }));
      const s = settings({
        scope: rand() < 0.5 ? 'school' : 'alliance',
        venueSchoolId: 1,
        capacity: 20 + Math.floor(rand() * 21),
        columns: 4 + Math.floor(rand() * 4),
        specialCapacity: 5 + Math.floor(rand() * 10),
      });
      const out = allocateSeats(students, s, names);
      if (out.ok) expectRulesKept(students, out.rooms, s);
      else throw new Error(out.errors.join());
    }
  });

  it('explains why one class of 45 cannot be kept apart in the two rooms the school has', () => {
    const out = allocateSeats(school(1, [45]), settings({ maxRooms: 2 }), names);
    expect(out.ok).toBe(false);
    expect(!out.ok && out.errors).toEqual([
      '学校1100班有 45 名考生；30 座（每排 5 座）的考场中互不相邻的座位最多 15 个，要做到同班不相邻至少需要 3 个考场，' +
        '而学校1只有 2 个考场可用。请增加可用考场数，或改为联盟统一考点混合编排。',
    ]);
  });

  it('explains a school with more students than its rooms hold', () => {
    const out = allocateSeats(school(1, [20, 20, 20, 20]), settings({ maxRooms: 2 }), names);
    expect(!out.ok && out.errors).toEqual([
      '学校1有 80 名考生，每个考场 30 座，至少需要 3 个考场，而只有 2 个考场可用。',
    ]);
  });

  it('explains a room whose single class fills more than half of it', () => {
    expect(placeRoom(school(1, [16]), 30, 5)).toBeNull();
    expect(maxApart(30, 5)).toBe(15);
    expect(maxApart(7, 3)).toBe(4);
  });

  it.each([
    [{ capacity: 0 }, '考场容量应为 1–200 的整数'],
    [{ columns: 0 }, '每排座位数应为 1–20 的整数'],
    [{ scope: 'alliance' as const }, '联盟统一考点须指定考点学校'],
    [{ maxRooms: 0 }, '可用考场数应为正整数'],
  ])('refuses settings %j', (s, message) => {
    const out = allocateSeats(school(1, [10]), settings(s), names);
    expect(!out.ok && out.errors).toContain(message);
  });

  it('refuses an empty roster', () => {
    expect(allocateSeats([], settings(), names)).toEqual({ ok: false, errors: ['没有考生可编排，请先导入名单'] });
  });
});
