// The admin's setup checklist on the home page: 学校 → 班级 → 名单 → 用户 → 考试, each step done or not as the data
// says (never a flag someone ticks), with what is left and the page that does it. Pure: counts in, steps out.

export interface SchoolCounts {
  name: string;
  classes: number;
  students: number;
}

export interface SetupCounts {
  schools: SchoolCounts[];
  /** Accounts of the alliance with a role other than admin (the people who will mark, scan, read reports). */
  staffUsers: number;
  /** Exams of the alliance (imported baselines not counted). */
  exams: number;
}

export type SetupStepKey = 'schools' | 'classes' | 'roster' | 'users' | 'exam';

export interface SetupStep {
  key: SetupStepKey;
  label: string;
  done: boolean;
  /** What the data says now, or what is left. */
  detail: string;
  href: string;
}

const names = (list: SchoolCounts[]) =>
  list.length <= 3
    ? list.map((s) => s.name).join('、')
    : `${list
        .slice(0, 3)
        .map((s) => s.name)
        .join('、')}等 ${list.length} 所`;

export function setupSteps(c: SetupCounts): SetupStep[] {
  const n = c.schools.length;
  const noClasses = c.schools.filter((s) => s.classes === 0);
  const noStudents = c.schools.filter((s) => s.students === 0);
  const classes = c.schools.reduce((a, s) => a + s.classes, 0);
  const students = c.schools.reduce((a, s) => a + s.students, 0);
  return [
    {
      key: 'schools',
      label: '添加学校',
      done: n > 0,
      detail: n ? `已有 ${n} 所学校` : '还没有学校：添加龙头校、成员校（及对照校）',
      href: '/schools',
    },
    {
      key: 'classes',
      label: '添加班级',
      done: n > 0 && noClasses.length === 0,
      detail: !n ? '请先添加学校' : noClasses.length ? `${names(noClasses)}还没有班级` : `共 ${classes} 个班级`,
      href: '/schools#classes',
    },
    {
      key: 'roster',
      label: '导入学生名单',
      done: n > 0 && noStudents.length === 0,
      detail: !n ? '请先添加学校' : noStudents.length ? `${names(noStudents)}还没有学生名单` : `共 ${students} 名学生`,
      href: '/roster',
    },
    {
      key: 'users',
      label: '添加用户',
      done: c.staffUsers > 0,
      detail: c.staffUsers
        ? `已有 ${c.staffUsers} 个账号（不含管理员）`
        : '还没有校长、学科组长、阅卷教师或扫描员的账号',
      href: '/users',
    },
    {
      key: 'exam',
      label: '新建考试',
      done: c.exams > 0,
      detail: c.exams ? `已有 ${c.exams} 次考试` : '还没有考试',
      href: '/exams',
    },
  ];
}
