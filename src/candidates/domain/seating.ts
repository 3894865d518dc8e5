// 考场编排: students into rooms and seats. Rules: a room holds at most its capacity; the rooms of a group differ in
// head count by at most one (a count that does not divide evenly); flagged students sit in special rooms; and no two
// students of one class (同校同班) sit side by side or front and back. Pure: plain rows in, rooms and seats out.

export interface SeatingStudent {
  studentId: number;
  schoolId: number;
  classId: number;
  /** Seated in a special room (特殊考场/单独考场). */
  special: boolean;
}

export interface SeatingSettings {
  /** 'school': each school seats its own students in its own rooms; 'alliance': one venue for all schools. */
  scope: 'school' | 'alliance';
  capacity: number;
  /** Seats per row, front to back the room has ceil(capacity / columns) rows. */
  columns: number;
  specialCapacity: number;
  /** The school hosting every room when scope is 'alliance'. */
  venueSchoolId: number | null;
  /** Ordinary rooms each host has (null: as many as needed). */
  maxRooms: number | null;
}

export interface PlannedSeat {
  studentId: number;
  /** 1-based, row-major from the front-left seat. */
  seat: number;
  row: number;
  col: number;
}

export interface PlannedRoom {
  roomNo: number;
  hostSchoolId: number;
  special: boolean;
  capacity: number;
  columns: number;
  seats: PlannedSeat[];
}

export type Seating = { ok: true; rooms: PlannedRoom[] } | { ok: false; errors: string[] };

/** How a person names a school or a class in an explanation. */
export interface SeatingNames {
  school(id: number): string;
  className(id: number): string;
}

export const SEATING_LIMITS = { capacity: [1, 200], columns: [1, 20] } as const;

/** Settings problems, in Chinese. */
export function settingsErrors(s: SeatingSettings): string[] {
  const errors: string[] = [];
  const within = (v: number, [lo, hi]: readonly [number, number]) => Number.isInteger(v) && v >= lo && v <= hi;
  if (!within(s.capacity, SEATING_LIMITS.capacity)) errors.push('考场容量应为 1–200 的整数');
  if (!within(s.specialCapacity, SEATING_LIMITS.capacity)) errors.push('特殊考场容量应为 1–200 的整数');
  if (!within(s.columns, SEATING_LIMITS.columns)) errors.push('每排座位数应为 1–20 的整数');
  if (s.scope !== 'school' && s.scope !== 'alliance') errors.push('编排范围只能是“各校分别编排”或“联盟统一考点”');
  if (s.scope === 'alliance' && s.venueSchoolId === null) errors.push('联盟统一考点须指定考点学校');
  if (s.maxRooms !== null && !(Number.isInteger(s.maxRooms) && s.maxRooms >= 1)) errors.push('可用考场数应为正整数');
  return errors;
}

/** The seats of a room as cells of its grid: seat k (0-based) is row ⌊k / columns⌋, column k mod columns. */
function cells(capacity: number, columns: number): { row: number; col: number }[] {
  return Array.from({ length: capacity }, (_, k) => ({ row: Math.floor(k / columns), col: k % columns }));
}

/** Most students of one class a room can seat with none side by side or front and back: one colour of the chessboard. */
export function maxApart(capacity: number, columns: number): number {
  const c = cells(capacity, columns);
  const dark = c.filter((x) => (x.row + x.col) % 2 === 0).length;
  return Math.max(dark, c.length - dark);
}

/** Pairs of seats in the room holding two students of one class side by side or front and back. */
export function sameClassNeighbours(room: PlannedRoom, classOf: (studentId: number) => number): [number, number][] {
  const at = new Map(room.seats.map((s) => [`${s.row},${s.col}`, s]));
  const pairs: [number, number][] = [];
  for (const s of room.seats)
    for (const [dr, dc] of [
      [0, 1],
      [1, 0],
    ]) {
      const n = at.get(`${s.row + dr},${s.col + dc}`);
      if (n && classOf(n.studentId) === classOf(s.studentId)) pairs.push([s.seat, n.seat]);
    }
  return pairs;
}

/**
 * Seats one room's students: classes largest first, down one colour of the chessboard and then the other, so a
 * class's students share a colour (never neighbours) except one class that may cross from the first colour to the
 * second; any neighbours that leaves are moved apart by swaps. Null when they cannot be.
 */
export function placeRoom(students: SeatingStudent[], capacity: number, columns: number): PlannedSeat[] | null {
  const grid = cells(capacity, columns);
  const dark = grid.filter((c) => (c.row + c.col) % 2 === 0);
  const light = grid.filter((c) => (c.row + c.col) % 2 === 1);
  const order = dark.length >= light.length ? [...dark, ...light] : [...light, ...dark];
  const byClass = new Map<number, SeatingStudent[]>();
  for (const s of students) byClass.set(s.classId, [...(byClass.get(s.classId) ?? []), s]);
  const sorted = [...byClass.values()].sort((a, b) => b.length - a.length || a[0].classId - b[0].classId).flat();
  // who[k]: the student at cell k of the grid (row-major), null for an empty seat.
  const who: (SeatingStudent | null)[] = new Array(grid.length).fill(null);
  sorted.forEach((s, i) => (who[order[i].row * columns + order[i].col] = s));
  if (!repair(who, columns)) return null;
  const seats: PlannedSeat[] = [];
  who.forEach((s, k) => s && seats.push({ studentId: s.studentId, seat: k + 1, row: grid[k].row, col: grid[k].col }));
  return seats;
}

function neighbours(k: number, n: number, columns: number): number[] {
  const out: number[] = [];
  if (k % columns > 0) out.push(k - 1);
  if (k % columns < columns - 1 && k + 1 < n) out.push(k + 1);
  if (k >= columns) out.push(k - columns);
  if (k + columns < n) out.push(k + columns);
  return out;
}

/** Moves students (by swaps, empty seats included) until no two of one class are neighbours; false if it cannot. */
function repair(who: (SeatingStudent | null)[], columns: number): boolean {
  const n = who.length;
  const clash = (k: number, s: SeatingStudent | null, ignore = -1) =>
    s !== null && neighbours(k, n, columns).some((m) => m !== ignore && who[m]?.classId === s.classId);
  for (let pass = 0; pass < 3; pass++) {
    let clean = true;
    for (let k = 0; k < n; k++) {
      if (!clash(k, who[k])) continue;
      clean = false;
      const j = findSwap(who, k, columns, clash);
      if (j < 0) continue;
      [who[k], who[j]] = [who[j], who[k]];
    }
    if (clean) return true;
  }
  return who.every((s, k) => !clash(k, s));
}

function findSwap(
  who: (SeatingStudent | null)[],
  k: number,
  columns: number,
  clash: (k: number, s: SeatingStudent | null, ignore?: number) => boolean,
): number {
  for (let j = 0; j < who.length; j++) {
    if (j === k || who[j]?.classId === who[k]!.classId) continue;
    const [a, b] = [who[k], who[j]];
    who[k] = b;
    who[j] = a;
    const ok = !clash(j, a) && !clash(k, b);
    who[k] = a;
    who[j] = b;
    if (ok) return j;
  }
  return -1;
}

interface Group {
  hostSchoolId: number;
  special: boolean;
  students: SeatingStudent[];
}

function groupsOf(students: SeatingStudent[], settings: SeatingSettings): Group[] {
  const byKey = new Map<string, Group>();
  const sorted = [...students].sort(
    (a, b) => a.schoolId - b.schoolId || a.classId - b.classId || a.studentId - b.studentId,
  );
  for (const s of sorted) {
    const host = settings.scope === 'school' ? s.schoolId : settings.venueSchoolId!;
    const key = `${host}:${s.special ? 1 : 0}`;
    const g = byKey.get(key) ?? { hostSchoolId: host, special: s.special, students: [] };
    g.students.push(s);
    byKey.set(key, g);
  }
  return [...byKey.values()].sort((a, b) => a.hostSchoolId - b.hostSchoolId || Number(a.special) - Number(b.special));
}

/**
 * Rooms a group needs: enough for its head count, and more when a class is so big that its share of each room would
 * exceed the seats that are not neighbours (then rooms are less full). With the class that decided it, if any.
 */
function roomsNeeded(g: Group, capacity: number, columns: number): { k: number; classId: number | null } {
  const sizes = new Map<number, number>();
  for (const s of g.students) sizes.set(s.classId, (sizes.get(s.classId) ?? 0) + 1);
  const apart = maxApart(capacity, columns);
  let k = Math.ceil(g.students.length / capacity);
  let classId: number | null = null;
  for (const [id, size] of sizes) if (Math.ceil(size / apart) > k) [k, classId] = [Math.ceil(size / apart), id];
  return { k, classId };
}

function tooFewRooms(
  g: Group,
  need: { k: number; classId: number | null },
  max: number,
  names: SeatingNames,
  capacity: number,
  columns: number,
): string {
  const host = names.school(g.hostSchoolId);
  if (need.classId === null)
    return `${host}有 ${g.students.length} 名考生，每个考场 ${capacity} 座，至少需要 ${need.k} 个考场，而只有 ${max} 个考场可用。`;
  const s = g.students.find((x) => x.classId === need.classId)!;
  const size = g.students.filter((x) => x.classId === need.classId).length;
  return (
    `${names.school(s.schoolId)}${names.className(need.classId)}有 ${size} 名考生；${capacity} 座（每排 ${columns} 座）的考场中` +
    `互不相邻的座位最多 ${maxApart(capacity, columns)} 个，要做到同班不相邻至少需要 ${need.k} 个考场，而${host}只有 ${max} 个考场可用。` +
    `请增加可用考场数，或改为联盟统一考点混合编排。`
  );
}

/** Every student's room and seat under the settings, or every reason it cannot be done (in Chinese). */
export function allocateSeats(students: SeatingStudent[], settings: SeatingSettings, names: SeatingNames): Seating {
  const bad = settingsErrors(settings);
  if (bad.length) return { ok: false, errors: bad };
  if (!students.length) return { ok: false, errors: ['没有考生可编排，请先导入名单'] };
  const rooms: PlannedRoom[] = [];
  const errors: string[] = [];
  for (const g of groupsOf(students, settings)) {
    const capacity = g.special ? settings.specialCapacity : settings.capacity;
    const columns = Math.min(settings.columns, capacity);
    const need = roomsNeeded(g, capacity, columns);
    if (!g.special && settings.maxRooms !== null && need.k > settings.maxRooms) {
      errors.push(tooFewRooms(g, need, settings.maxRooms, names, capacity, columns));
      continue;
    }
    const k = need.k;
    // Dealt like cards in class order: room sizes differ by at most one and every class spreads over every room.
    const dealt: SeatingStudent[][] = Array.from({ length: k }, () => []);
    g.students.forEach((s, i) => dealt[i % k].push(s));
    for (const list of dealt) {
      const roomNo = rooms.length + errors.length + 1;
      const seats = placeRoom(list, capacity, columns);
      if (!seats) errors.push(`第${roomNo}考场（${names.school(g.hostSchoolId)}）无法安排到同班考生互不相邻`);
      else rooms.push({ roomNo, hostSchoolId: g.hostSchoolId, special: g.special, capacity, columns, seats });
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, rooms };
}
