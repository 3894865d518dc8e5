import { type SetupCounts, setupSteps } from './setup-steps.js';

const school = (name: string, classes: number, students: number) => ({ name, classes, students });
const done = (c: SetupCounts) =>
  setupSteps(c)
    .map((s) => `${s.key}:${s.done ? '✓' : '·'}`)
    .join(' ');

describe('setupSteps', () => {
  it.each<[string, SetupCounts, string]>([
    [
      'an empty alliance (what the CLI leaves)',
      { schools: [], staffUsers: 0, exams: 0 },
      'schools:· classes:· roster:· users:· exam:·',
    ],
    [
      'schools, none with classes',
      { schools: [school('一中', 0, 0), school('二中', 0, 0)], staffUsers: 0, exams: 0 },
      'schools:✓ classes:· roster:· users:· exam:·',
    ],
    [
      'one school still without classes',
      { schools: [school('一中', 3, 0), school('二中', 0, 0)], staffUsers: 0, exams: 0 },
      'schools:✓ classes:· roster:· users:· exam:·',
    ],
    [
      'classes everywhere, one roster missing',
      { schools: [school('一中', 3, 120), school('二中', 2, 0)], staffUsers: 0, exams: 0 },
      'schools:✓ classes:✓ roster:· users:· exam:·',
    ],
    [
      'rosters in, users and exam to go',
      { schools: [school('一中', 3, 120), school('二中', 2, 80)], staffUsers: 0, exams: 0 },
      'schools:✓ classes:✓ roster:✓ users:· exam:·',
    ],
    [
      'everything',
      { schools: [school('一中', 3, 120)], staffUsers: 4, exams: 1 },
      'schools:✓ classes:✓ roster:✓ users:✓ exam:✓',
    ],
    [
      'users and an exam but no school yet',
      { schools: [], staffUsers: 2, exams: 1 },
      'schools:· classes:· roster:· users:✓ exam:✓',
    ],
  ])('%s', (_, counts, want) => {
    expect(done(counts)).toBe(want);
  });

  it('names the schools that are behind, and links each step to its page', () => {
    const steps = setupSteps({
      schools: [
        school('一中', 3, 120),
        school('二中', 0, 0),
        school('三中', 0, 0),
        school('四中', 0, 0),
        school('五中', 0, 0),
      ],
      staffUsers: 0,
      exams: 0,
    });
    expect(steps.map((s) => [s.label, s.detail, s.href])).toEqual([
      ['添加学校', '已有 5 所学校', '/schools'],
      ['添加班级', '二中、三中、四中等 4 所还没有班级', '/schools#classes'],
      ['导入学生名单', '二中、三中、四中等 4 所还没有学生名单', '/roster'],
      ['添加用户', '还没有校长、学科组长、阅卷教师或扫描员的账号', '/users'],
      ['新建考试', '还没有考试', '/exams'],
    ]);
  });
});
