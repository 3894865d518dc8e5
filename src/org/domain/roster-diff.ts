// What a roster file changes in a school's list of students: added, updated (name or class), removed, and those that
// cannot be removed because the student already has answer sheets, absences or scores. Pure: the caller passes the
// validated file, the school's students and which of them hold data.
//
// A file speaks for the classes it names: a student missing from the file is removed only if their class appears in
// it, so that a file of one grade leaves the other grades alone. Students are matched by exam number (考号).

export interface FileStudent {
  examNo: string;
  name: string;
  classId: number;
}

export interface ExistingStudent extends FileStudent {
  id: number;
}

export interface RosterPlan {
  added: FileStudent[];
  updated: (ExistingStudent & { before: { name: string; classId: number } })[];
  removed: ExistingStudent[];
  /** Missing from the file, in a class it names, but with sheets, absences or scores: kept as they are. */
  kept: ExistingStudent[];
  unchanged: number;
  /** Classes of the school holding students that the file does not name (left as they are). */
  untouchedClassIds: number[];
}

const byExamNo = (a: { examNo: string }, b: { examNo: string }) =>
  a.examNo < b.examNo ? -1 : a.examNo > b.examNo ? 1 : 0;

export function diffRoster(
  file: FileStudent[],
  existing: ExistingStudent[],
  withData: ReadonlySet<number>,
): RosterPlan {
  const current = new Map(existing.map((s) => [s.examNo, s]));
  const inFile = new Set(file.map((s) => s.examNo));
  const fileClasses = new Set(file.map((s) => s.classId));
  const plan: RosterPlan = { added: [], updated: [], removed: [], kept: [], unchanged: 0, untouchedClassIds: [] };
  for (const s of file) {
    const was = current.get(s.examNo);
    if (!was) plan.added.push({ examNo: s.examNo, name: s.name, classId: s.classId });
    else if (was.name !== s.name || was.classId !== s.classId)
      plan.updated.push({ ...was, name: s.name, classId: s.classId, before: { name: was.name, classId: was.classId } });
    else plan.unchanged++;
  }
  const untouched = new Set<number>();
  for (const s of existing) {
    if (inFile.has(s.examNo)) continue;
    if (!fileClasses.has(s.classId)) untouched.add(s.classId);
    else (withData.has(s.id) ? plan.kept : plan.removed).push(s);
  }
  plan.added.sort(byExamNo);
  plan.updated.sort(byExamNo);
  plan.removed.sort(byExamNo);
  plan.kept.sort(byExamNo);
  plan.untouchedClassIds = [...untouched].sort((a, b) => a - b);
  return plan;
}

/** The plan as one canonical string: a preview and its confirmation agree exactly when their keys are equal. */
export function planKey(p: RosterPlan): string {
  return JSON.stringify([
    p.added.map((s) => [s.examNo, s.name, s.classId]),
    p.updated.map((s) => [s.id, s.name, s.classId, s.before.name, s.before.classId]),
    p.removed.map((s) => s.id),
    p.kept.map((s) => s.id),
  ]);
}

export const planIsEmpty = (p: RosterPlan): boolean => !p.added.length && !p.updated.length && !p.removed.length;
