// How one paper's analysis is laid out in the database so that no stored value nears MariaDB's max_allowed_packet
// (16 MB by default). The part that grows with schools × classes — each school's figures and its classes' — is kept in
// rows of its own (exam_school_analysis: one per school and paper); the paper's row keeps the rest (items, alliance and
// group figures, item analysis, balance, 纵看). Pure: objects in, objects out; the repository writes and reads the rows.
//
// A city 联考 of 200 schools × 8 classes × 25 items came to ~30 MB as one value; split, the paper row is well under
// 1 MB and a school's row a few hundred KB (stored-analysis.spec.ts measures it).
import type { ClassAnalysis, SchoolAnalysis } from './exam-analysis.js';

/** Marks a paper row whose `schools` are stored apart (an analysis stored before keeps them inline, classes and all). */
export const SCHOOLS_APART = 'schoolsApart';

/** One school's part of a paper's analysis: its own figures (classes left out) and its classes' figures. */
export interface StoredSchoolPart {
  schoolId: number;
  /** Position of the school in the analysis's `schools` (kept, so reassembly gives back the same order). */
  seq: number;
  school: Omit<SchoolAnalysis, 'classes'>;
  /** Null: the analysis had no `classes` for the school (so reassembly leaves the field out, as it was). */
  classes: ClassAnalysis[] | null;
}

type WithSchools = { schools?: SchoolAnalysis[] } & Record<string, unknown>;

/** The paper row and the school rows of an analysis (anything with `schools`; other analyses are stored whole). */
export function splitAnalysis(data: unknown): { paper: unknown; schools: StoredSchoolPart[] } {
  const d = data as WithSchools;
  if (!d || typeof d !== 'object' || !Array.isArray(d.schools)) return { paper: data, schools: [] };
  const schools = d.schools.map((s, seq): StoredSchoolPart => {
    const { classes, ...school } = s;
    return { schoolId: s.schoolId, seq, school, classes: classes ?? null };
  });
  return { paper: { ...d, schools: [], [SCHOOLS_APART]: true }, schools };
}

/**
 * The analysis as it was before splitAnalysis. `classesOf`: whose classes are wanted (undefined: every school's);
 * the other schools then have no `classes` field — a school's report needs only its own school's classes.
 * A paper row stored before the split (no SCHOOLS_APART mark) is returned as stored.
 */
export function joinAnalysis(paper: unknown, schools: StoredSchoolPart[], classesOf?: readonly number[]): unknown {
  const p = paper as WithSchools;
  if (!p || typeof p !== 'object' || p[SCHOOLS_APART] !== true) {
    if (!classesOf || !p || typeof p !== 'object' || !Array.isArray(p.schools)) return paper;
    return {
      ...p,
      schools: p.schools.map((s) => (classesOf.includes(s.schoolId) ? s : withoutClasses(s))),
    };
  }
  const { [SCHOOLS_APART]: _mark, ...rest } = p;
  const ordered = [...schools].sort((a, b) => a.seq - b.seq);
  return {
    ...rest,
    schools: ordered.map((s): SchoolAnalysis => {
      const wanted = s.classes !== null && (!classesOf || classesOf.includes(s.schoolId));
      return wanted ? { ...s.school, classes: s.classes! } : { ...s.school };
    }),
  };
}

/**
 * A reassembled analysis read without classes (joinAnalysis with `classesOf` []) given one school's classes: the same as
 * joinAnalysis with `classesOf` [schoolId]. A new object; `data` is left as it is (a worker shares it between reports).
 */
export function withSchoolClasses(data: unknown, schoolId: number, classes: ClassAnalysis[] | null): unknown {
  const d = data as WithSchools;
  if (classes === null || !d || typeof d !== 'object' || !Array.isArray(d.schools)) return data;
  return { ...d, schools: d.schools.map((s) => (s.schoolId === schoolId ? { ...s, classes } : s)) };
}

function withoutClasses(s: SchoolAnalysis): SchoolAnalysis {
  const { classes: _c, ...rest } = s;
  return rest;
}

/** Bytes of the largest value the split stores (UTF-8 JSON, as sent to the server), and of the analysis as one value. */
export function storedSizes(data: unknown): { whole: number; paper: number; largestSchool: number } {
  const utf8 = new TextEncoder();
  const bytes = (x: unknown) => utf8.encode(JSON.stringify(x)).length;
  const { paper, schools } = splitAnalysis(data);
  return {
    whole: bytes(data),
    paper: bytes(paper),
    largestSchool: Math.max(0, ...schools.map((s) => bytes(s.school) + bytes(s.classes))),
  };
}

/**
 * The school parts in groups whose JSON stays under `maxBytes` together (one multi-row INSERT each; a part larger than
 * that goes alone). Keeps every statement the repository sends well under max_allowed_packet.
 */
export function batchesUnder<T>(parts: readonly T[], sizeOf: (part: T) => number, maxBytes: number): T[][] {
  const out: T[][] = [];
  let batch: T[] = [];
  let bytes = 0;
  for (const p of parts) {
    const size = sizeOf(p);
    if (batch.length && bytes + size > maxBytes) {
      out.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(p);
    bytes += size;
  }
  if (batch.length) out.push(batch);
  return out;
}
