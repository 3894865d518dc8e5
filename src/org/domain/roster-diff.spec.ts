import { diffRoster, type ExistingStudent, type FileStudent, planIsEmpty, planKey } from './roster-diff.js';

const st = (id: number, examNo: string, name: string, classId: number): ExistingStudent => ({
  id,
  examNo,
  name,
  classId,
});
const f = (examNo: string, name: string, classId: number): FileStudent => ({ examNo, name, classId });

// Class 1 and 2 of the school; 3 is another grade the files below do not name.
const school = [st(1, '1001', '张三', 1), st(2, '1002', '李四', 1), st(3, '1003', '王五', 2), st(4, '3001', '赵六', 3)];

describe('diffRoster', () => {
  it.each<
    [
      string,
      FileStudent[],
      number[],
      { added: string[]; updated: string[]; removed: string[]; kept: string[]; unchanged: number; untouched: number[] },
    ]
  >([
    [
      'the same list: nothing changes, the other grade untouched',
      [f('1001', '张三', 1), f('1002', '李四', 1), f('1003', '王五', 2)],
      [],
      { added: [], updated: [], removed: [], kept: [], unchanged: 3, untouched: [3] },
    ],
    [
      'a new student, a renamed one and a class change',
      [f('1001', '张三丰', 1), f('1002', '李四', 2), f('1003', '王五', 2), f('1004', '孙七', 2)],
      [],
      { added: ['1004'], updated: ['1001', '1002'], removed: [], kept: [], unchanged: 1, untouched: [3] },
    ],
    [
      'a student left a class the file names: removed',
      [f('1001', '张三', 1), f('1003', '王五', 2)],
      [],
      { added: [], updated: [], removed: ['1002'], kept: [], unchanged: 2, untouched: [3] },
    ],
    [
      'the one who left has sheets or scores: kept, never deleted',
      [f('1001', '张三', 1), f('1003', '王五', 2)],
      [2],
      { added: [], updated: [], removed: [], kept: ['1002'], unchanged: 2, untouched: [3] },
    ],
    [
      'a file of class 2 only: class 1 and 3 are left alone',
      [f('1003', '王五', 2)],
      [],
      { added: [], updated: [], removed: [], kept: [], unchanged: 1, untouched: [1, 3] },
    ],
    [
      'a file naming class 3 with a new list: its student goes',
      [f('3002', '周八', 3)],
      [],
      { added: ['3002'], updated: [], removed: ['3001'], kept: [], unchanged: 0, untouched: [1, 2] },
    ],
  ])('%s', (_, file, withData, want) => {
    const p = diffRoster(file, school, new Set(withData));
    expect({
      added: p.added.map((s) => s.examNo),
      updated: p.updated.map((s) => s.examNo),
      removed: p.removed.map((s) => s.examNo),
      kept: p.kept.map((s) => s.examNo),
      unchanged: p.unchanged,
      untouched: p.untouchedClassIds,
    }).toEqual(want);
  });

  it('an update says what it was before', () => {
    const p = diffRoster([f('1002', '李四', 2)], school, new Set());
    expect(p.updated).toEqual([
      { id: 2, examNo: '1002', name: '李四', classId: 2, before: { name: '李四', classId: 1 } },
    ]);
  });

  it('an empty school: everything is added, in exam-number order', () => {
    const p = diffRoster([f('2', '乙', 1), f('1', '甲', 1)], [], new Set());
    expect(p.added.map((s) => s.examNo)).toEqual(['1', '2']);
    expect(planIsEmpty(p)).toBe(false);
  });

  it('the key tells plans apart and is the same for the same plan', () => {
    const a = diffRoster([f('1001', '张三', 1)], school, new Set());
    const b = diffRoster([f('1001', '张三', 1)], school, new Set());
    const c = diffRoster([f('1001', '张三', 1)], school, new Set([2])); // 李四 now has scores: kept, not removed
    expect(planKey(a)).toBe(planKey(b));
    expect(planKey(a)).not.toBe(planKey(c));
    expect(planIsEmpty(diffRoster([f('1001', '张三', 1), f('1002', '李四', 1)], school.slice(0, 2), new Set()))).toBe(
      true,
    );
  });
});
