// Who is logged in (GET /api/auth/me), asked once per page load and shared by the layout and the page.
import { api } from './api';

export type Role = 'admin' | 'subject_lead' | 'marker' | 'scanner' | 'principal' | 'proctor' | 'bureau' | 'teacher';

export interface RoleGrant {
  role: Role;
  allianceId: number;
  schoolId: number | null;
  subject: string | null;
  /** The class of a teacher grant (班主任 with subject null, 任课教师 with one). */
  classId?: number | null;
}

export interface Me {
  id: number;
  username: string;
  displayName: string;
  roles: RoleGrant[];
}

export const ROLE_NAMES: Record<Role, string> = {
  admin: '联盟管理员',
  subject_lead: '学科组长',
  marker: '阅卷教师',
  scanner: '扫描员',
  principal: '校长',
  proctor: '监考员',
  bureau: '教育局教研员/督导',
  teacher: '教师（班主任/任课）',
};

let me: Promise<Me> | null = null;

export function loadMe(): Promise<Me> {
  me ??= api<Me>('/api/auth/me');
  return me;
}

export const hasRole = (m: Me, ...roles: Role[]): boolean => m.roles.some((g) => roles.includes(g.role));

export interface PageLink {
  href: string;
  /** In the header's navigation. */
  short: string;
  /** On the home page. */
  long: string;
}

/** The pages a person's roles open, in the home page's order (the lead console, new in the list, before the reports). */
export function pagesFor(m: Me): PageLink[] {
  const links: PageLink[] = [];
  if (hasRole(m, 'admin'))
    links.push({ href: '/schools', short: '联盟设置', long: '联盟设置（学校、班级、学生名单、用户与权限）' });
  else if (hasRole(m, 'scanner'))
    links.push({ href: '/roster', short: '学生名单', long: '本校学生名单（导入与补录）' });
  if (hasRole(m, 'admin'))
    links.push({ href: '/exams', short: '考试管理', long: '考试管理（新建考试、纵看设置、导入历史成绩）' });
  if (hasRole(m, 'admin'))
    links.push({ href: '/kaowu', short: '考务', long: '考务安排（考号、考场编排、座位表与准考证）' });
  if (hasRole(m, 'proctor', 'scanner', 'admin'))
    links.push({ href: '/rooms', short: '考场名单', long: '考场名单（监考登记缺考、违纪）' });
  if (hasRole(m, 'subject_lead', 'admin'))
    links.push({ href: '/papers', short: '统一命题', long: '统一命题（建卷、审核、答题卡）' });
  if (hasRole(m, 'marker')) links.push({ href: '/mark', short: '网上阅卷', long: '进入网上阅卷' });
  if (hasRole(m, 'scanner', 'admin'))
    links.push({ href: '/scans', short: '扫描上传', long: '答题卡扫描上传与异常处理' });
  if (hasRole(m, 'subject_lead', 'admin'))
    links.push({
      href: '/marking-setup',
      short: '阅卷设置',
      long: '阅卷设置（题块分配、评卷规则、试评与测评卷、每日上限）',
    });
  if (hasRole(m, 'subject_lead', 'admin'))
    links.push({ href: '/lead', short: '阅卷管理', long: '阅卷管理（进度、阅卷质量、仲裁与问题卷）' });
  if (hasRole(m, 'subject_lead', 'admin'))
    links.push({ href: '/monitor', short: '进度监控', long: '进度监控（各科各题阅卷进度、各校扫描进度、剩余时间）' });
  if (hasRole(m, 'subject_lead', 'admin'))
    links.push({ href: '/suggestions', short: '建议库', long: '补短板建议库（按学科、知识点维护教学建议）' });
  if (hasRole(m, 'bureau'))
    links.push({ href: '/county', short: '区县对比', long: '区县联盟对比（各联盟最近一次已发布考试的量化考核）' });
  if (hasRole(m, 'principal', 'admin', 'bureau'))
    links.push({ href: '/reports', short: '诊断报告', long: '学校诊断报告' });
  if (hasRole(m, 'principal', 'admin'))
    links.push({
      href: '/notices',
      short: '成绩通知单',
      long: '学生成绩通知单（按班生成查询码、打印通知单）',
    });
  if (hasRole(m, 'admin', 'bureau'))
    links.push({
      href: '/overview',
      short: '联盟总览',
      long: '联盟质量分析总览（各校增值、知识点热力图、结对建议、试题质量）',
    });
  if (hasRole(m, 'teacher'))
    links.push({
      href: '/class-report',
      short: '班级报告',
      long: '班级报告（本班学生等级或成绩、临界生、进退步、错题）',
    });
  if (hasRole(m, 'admin'))
    links.push({ href: '/jobs', short: '失败任务', long: '失败任务（多次重试仍失败的识别、统计与报告任务，可重试）' });
  return links;
}
