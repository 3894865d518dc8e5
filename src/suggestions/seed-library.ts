// The small library the demo ships (七年级数学, the demo paper's knowledge points), as data, and the one call that
// loads it into an alliance through the same checks as a spreadsheet import. Loading twice changes nothing.
import type { INestApplicationContext } from '@nestjs/common';
import type { Cell } from '../exams/domain/blueprint.js';
import { SUGGESTION_COLUMNS } from './domain/import-plan.js';
import type { FindingKind } from './domain/kinds.js';
import { SuggestionImportService, type ImportOutcome } from './suggestion-import.service.js';

interface SeedSuggestion {
  subject: string | null;
  kind?: FindingKind;
  knowledgePoint?: string;
  cognitiveLevel?: string;
  text: string;
}

export const SEED_LIBRARY: readonly SeedSuggestion[] = [
  // 数学 × 知识点 (× 认知层次)
  {
    subject: '数学',
    knowledgePoint: '有理数的运算',
    text: '每节课前用5分钟做有理数混合运算小练习，先定符号、再算绝对值；讲评时让学生说出运算顺序和每一步的依据，错题按“符号错、顺序错、计算错”分类订正。',
  },
  {
    subject: '数学',
    knowledgePoint: '有理数的运算',
    cognitiveLevel: '运用',
    text: '选用温差、收支、海拔等情境题，让学生先用正负数表示量再列式计算，比较“列式正确但计算出错”与“列式错误”两类学生，分别补运算和建模。',
  },
  {
    subject: '数学',
    knowledgePoint: '一元一次方程',
    text: '解方程按“去分母、去括号、移项、合并、系数化为1”五步书写，每步旁注依据；重点纠正去分母漏乘不含分母的项、移项不变号两类错误。',
  },
  {
    subject: '数学',
    knowledgePoint: '一元一次方程',
    cognitiveLevel: '运用',
    text: '应用题先用表格或线段图整理已知量、未知量和等量关系，再列方程；每周安排一道行程、工程或销售问题，讲评时比较不同的设元方法。',
  },
  {
    subject: '数学',
    knowledgePoint: '整式的加减',
    text: '先辨认同类项（字母相同且相同字母的指数相同）再合并；去括号时括号前是负号的逐项变号，用“先标符号再去括号”的步骤训练，配套当堂检测。',
  },
  {
    subject: '数学',
    knowledgePoint: '几何图形初步',
    text: '多用实物和展开图帮助建立空间观念；线段、角的计算题要求先画图、标已知量，书写“因为……所以……”的推理过程，讲评时强调分类讨论（点在线段上或延长线上）。',
  },
  {
    subject: '数学',
    kind: 'typical_error',
    knowledgePoint: '有理数的运算',
    text: '针对集中出现的错误选项，课堂上展示该选项的典型解法，请学生找出错在哪一步（常见为符号法则和乘方运算顺序），再做两道同类变式题。',
  },
  // 数学 × 发现类型
  {
    subject: '数学',
    kind: 'weak_kp',
    text: '对该知识点做一次前测，按错因分组；用两周时间以“例题—变式—小测”循环补缺，小测合格率达到八成后再进入综合练习。',
  },
  {
    subject: '数学',
    kind: 'near_pass',
    text: '为及格线下10分以内的学生建立名单，任课教师每周面批一次基础题（计算、解方程、简单几何），目标是基础题不丢分。',
  },
  {
    subject: '数学',
    kind: 'near_excellent',
    text: '为优秀线附近的学生每周布置一道综合题和一道易错题，重点训练审题与书写规范，减少解答题的过程性失分。',
  },
  {
    subject: '数学',
    kind: 'class_gap',
    text: '请成绩较好班级的任课教师介绍作业设计和讲评做法，两班同备课、同练习、同检测，一个月后用同一份小测检验差距是否缩小。',
  },
  // 通用 × 发现类型
  {
    subject: null,
    kind: 'weak_kp',
    text: '学科组对照课程标准重新梳理该知识点的教学目标，集体备课时设计分层练习，并在下次联考前安排一次针对性检测。',
  },
  {
    subject: null,
    kind: 'weak_item',
    text: '组织学生对该题做错因分析（审题、知识、方法、计算），教师据此调整讲评重点，并编制同类变式题巩固。',
  },
  {
    subject: null,
    kind: 'typical_error',
    text: '把典型错误整理成错题卡，在讲评课上呈现错误过程并让学生互评，之后用同类题检测纠正效果。',
  },
  {
    subject: null,
    kind: 'uniformly_lower',
    text: '各题普遍偏低时优先抓基础：保证课堂练习时间和作业的及时反馈；与联盟内牵头学校结对，开展同课异构和联合教研。',
  },
  {
    subject: null,
    kind: 'near_pass',
    text: '关注及格临界生：建立名单，分学科落实每周一次的个别辅导，并跟踪下一次检测的变化。',
  },
  {
    subject: null,
    kind: 'near_excellent',
    text: '关注优秀临界生：针对其失分较多的题型安排专项训练，鼓励参加学科拓展活动。',
  },
  {
    subject: null,
    kind: 'class_gap',
    text: '班级之间差距较大时，组织同学科教师互相听课，统一教学进度和作业要求，共享课件与练习。',
  },
  {
    subject: null,
    kind: 'subject_lag',
    text: '该学科相对本校其他学科落后：学校统筹课时与作业量，学科组长牵头分析原因，并邀请联盟学科组帮扶。',
  },
  {
    subject: null,
    kind: 'weak_level',
    text: '该认知层次的题目得分偏低：在日常教学和作业中增加相应层次的题目比例，讲评时示范思考过程。',
  },
];

/** The seed as the rows of an import workbook (header first). */
export function seedLibraryRows(): Cell[][] {
  const header = SUGGESTION_COLUMNS.map((c) => c.names[0]);
  return [
    header,
    ...SEED_LIBRARY.map((s) => [
      null,
      s.subject,
      s.kind ?? null,
      s.knowledgePoint ?? null,
      s.cognitiveLevel ?? null,
      s.text,
      null,
    ]),
  ];
}

/**
 * Loads the seed library into the alliance, written by `authorUserId` (the demo's admin), through the import's checks.
 * The demo calls `await loadSeedLibrary(app, alliance.id, adminId)` once the alliance exists.
 */
export function loadSeedLibrary(
  app: INestApplicationContext,
  allianceId: number,
  authorUserId: number,
): Promise<ImportOutcome> {
  return app
    .get(SuggestionImportService)
    .importRows(authorUserId, allianceId, seedLibraryRows(), () => true, { apply: true, expectedVersion: null });
}
