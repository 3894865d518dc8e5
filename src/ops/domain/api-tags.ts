// The Chinese heading of each API route in the OpenAPI document, by its first path segment.
const TAGS: Record<string, string> = {
  auth: '登录与会话',
  alliances: '教联体、学校与用户',
  schools: '学校、班级与名单',
  users: '用户与角色',
  exams: '考试与历史成绩',
  'exam-rules': '考试类型与成绩公开规则',
  papers: '试卷、细目表与答题卡',
  'blueprint-template.xlsx': '试卷、细目表与答题卡',
  knowledge: '知识点',
  scans: '扫描上传与识别',
  'scan-exceptions': '扫描异常处理',
  'omr-review': '客观题复核',
  marking: '网上阅卷',
  results: '成绩与统计',
  reports: '诊断报告',
  notice: '学生与家长成绩通知查询',
  suggestions: '补短板建议库',
  counties: '区县与教育局（只读）',
  jobs: '失败任务',
  health: '运行状态',
  ready: '运行状态',
};

export function tagOfPath(path: string): string {
  const seg = path.replace(/^\/(api\/)?/, '').split('/')[0] ?? '';
  return TAGS[seg] ?? '其他';
}
