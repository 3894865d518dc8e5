// What a class report (班级报告, for 班主任 and 任课教师) says, as plain data: the page and the PDF only lay it out.
// Built from the stored analysis through the principal's view of the class's own school (so no other school appears,
// not even by letter) and from the class's own students' results. What it shows of the students follows the rule
// the caller asked (exam-disclosure.ts): scores only where the reader may see a score list, else 等级; never ranks.
import { gradeBand } from '../../exams/domain/exam-disclosure.js';
import type { ClassAnalysis, ItemInfo } from '../../results/domain/exam-analysis.js';
import { principalView, type AggregateView, type ViewedUnit } from '../../results/domain/principal-view.js';
import { SUPPRESS_AT_OR_BELOW } from '../../results/domain/statistics.js';
import { TOTAL_PAPER_ID } from '../../results/domain/subject-totals.js';
import type { BarsChart, ReportChart } from './chart-spec.js';
import {
  BORDERLINE_MARGIN,
  groupTable,
  typicalErrors,
  type ReportTable,
  type TypicalErrors,
} from './diagnosis-tables.js';
import { expectationInput, findingLines, paperFindings } from './findings.js';
import { DASH, formatNumber, formatPercent } from './format.js';
import { dateText, type StoredAnalysis } from './school-report.js';

/** A student of the class on the roster. */
export interface ClassStudent {
  studentId: number;
  name: string;
  examNo: string;
}

/** A student's stored total on a paper (student_result). */
export interface ClassResult {
  paperId: number;
  studentId: number;
  total: number | null;
  absent: boolean;
  unscanned: boolean;
}

export interface ClassReportInput {
  examName: string;
  schoolId: number;
  schoolName: string;
  classId: number;
  className: string;
  /** The papers the reader may read (a 任课教师: their subject only; 总分 only with every subject). */
  analyses: StoredAnalysis[];
  students: ClassStudent[];
  results: ClassResult[];
  /** studentId → itemId → final score (for 错题). */
  itemScores: ReadonlyMap<number, ReadonlyMap<number, number>>;
  /** The rule's answer for this reader: a score list, or 等级 only. Ranks are never shown. */
  show: { scores: boolean; bands: boolean };
  bandCutoffs: readonly number[];
  /** The linked prior exam: its analyses and the class's students' totals by subject, for 进退步. */
  prior?: {
    examName: string;
    analyses: StoredAnalysis[];
    totals: { studentId: number; subject: string; total: number }[];
  } | null;
  /** 任课教师's subject, or null (班主任 / principal / admin: every subject). */
  subjectScope?: string | null;
  borderlineMargin?: number;
  date?: Date;
}

/** One student in the students' table: per paper a score (where allowed) and 等级. */
export interface ClassStudentRow {
  studentId: number;
  name: string;
  examNo: string;
  papers: { paperId: number; subject: string; status: Status; score: number | null; band: string | null }[];
}

type Status = 'complete' | 'absent' | 'unscanned' | 'incomplete' | 'not_computed';
const STATUS_TEXT: Record<Exclude<Status, 'complete'>, string> = {
  absent: '缺考',
  unscanned: '未扫描',
  incomplete: '未评完',
  not_computed: '未统计',
};

export interface ClassSection {
  heading: string;
  subject: string;
  isTotal: boolean;
  intro: string[];
  /** 本班 · 本校 · 联盟: 三率一分. */
  mainTable: ReportTable;
  findings: string[];
  charts: ReportChart[];
  knowledgeTable: ReportTable | null;
  errors: TypicalErrors;
  /** 临界生 by name, a line per threshold. */
  borderline: string[];
  /** 进退步 against the linked prior exam; null when there is none for this subject. */
  movement: { lines: string[]; table: ReportTable | null } | null;
  /** 错题: per student the items lost most points on, with their knowledge points. */
  mistakes: ReportTable | null;
}

export interface ClassReportModel {
  documentTitle: string;
  examName: string;
  schoolName: string;
  className: string;
  /** '全部学科（班主任）' or '数学（任课教师）'. */
  scopeText: string;
  dateText: string;
  showsScores: boolean;
  students: ClassStudentRow[];
  studentTable: ReportTable;
  sections: ClassSection[];
  notes: string[];
}

/** Items per student in the 错题 list. */
export const MISTAKES_PER_STUDENT = 3;
/** A change of at least this many T points (half an SD of the alliance) counts as 明显进步/退步. */
export const MOVEMENT_T = 5;

/** The school report's sentences speak of 本校; in a class report the unit is the class. */
const asClass = (s: string) =>
  s
    .replace(/联盟其他学校/g, '联盟其他学生')
    .replace(/其他学校/g, '联盟其他学生')
    .replace(/本校/g, '本班');
const asClassTable = (t: ReportTable | null): ReportTable | null =>
  t && { header: t.header.map(asClass), rows: t.rows.map((r) => r.map(asClass)) };

/**
 * A unit beside the class is shown only when the students it holds beyond the class are more than 5: else the teacher,
 * who knows the own class, could take it away and read the few other students' figures (another class's).
 */
export function restShown(unit: { n: number } | null, cls: { n: number } | null): boolean {
  return !!unit && unit.n - (cls?.n ?? 0) > SUPPRESS_AT_OR_BELOW;
}

function mainTable(cls: ViewedUnit | null, school: ViewedUnit | null, alliance: AggregateView | null): ReportTable {
  const units: (ViewedUnit | AggregateView | null)[] = [cls, school, alliance];
  const row = (label: string, f: (u: ViewedUnit | AggregateView) => string) => [
    label,
    ...units.map((u) => (u ? f(u) : DASH)),
  ];
  return {
    header: ['指标', '本班', '本校', '联盟'],
    rows: [
      row('参考人数', (u) => String(u.n)),
      row('平均分', (u) => formatNumber(u.summary?.mean)),
      row('得分率', (u) => formatPercent(u.summary?.scoreRate)),
      row('优秀率', (u) => formatPercent(u.summary?.excellentRate)),
      row('及格率', (u) => formatPercent(u.summary?.passRate)),
      row('低分率', (u) => formatPercent(u.summary?.lowRate)),
    ],
  };
}

function itemBars(
  data: StoredAnalysis,
  cls: ViewedUnit,
  school: ViewedUnit | null,
  alliance: AggregateView,
): BarsChart | null {
  if (!cls.items || !alliance.items || cls.suppressed) return null;
  const rate = (u: ViewedUnit | AggregateView, id: number) => u.items?.find((x) => x.itemId === id)?.scoreRate ?? null;
  return {
    kind: 'bars',
    title: '各题得分率：本班、本校与联盟',
    categories: data.items.map((i) => i.label),
    series: [
      { name: '本班', values: data.items.map((i) => rate(cls, i.itemId)) },
      ...(school ? [{ name: '本校', values: data.items.map((i) => rate(school, i.itemId)) }] : []),
      { name: '联盟', values: data.items.map((i) => rate(alliance, i.itemId)) },
    ],
    yMax: 1,
    yLabel: '得分率',
  };
}

function statusOf(r: ClassResult | undefined): Status {
  if (!r) return 'not_computed';
  if (r.absent) return 'absent';
  if (r.unscanned) return 'unscanned';
  return r.total === null ? 'incomplete' : 'complete';
}

/** '86（A）' with scores, 'A' with 等级 only, '缺考' etc. otherwise. */
export function cellText(p: ClassStudentRow['papers'][number], scores: boolean): string {
  if (p.status !== 'complete') return STATUS_TEXT[p.status];
  if (scores && p.score !== null) return p.band ? `${formatNumber(p.score, 1)}（${p.band}）` : formatNumber(p.score, 1);
  return p.band ?? DASH;
}

/** 临界生 by name: present students within the margin below the 及格 and 优秀 lines. */
export function borderlineNames(
  rows: { name: string; total: number | null }[],
  fullMarks: number,
  t: { pass: number; excellent: number },
  margin = BORDERLINE_MARGIN,
  scores = true,
): string[] {
  const m = Math.max(1, Math.round(margin * fullMarks));
  return (
    [
      ['及格', t.pass],
      ['优秀', t.excellent],
    ] as const
  ).map(([label, ratio]) => {
    const line = ratio * fullMarks;
    const names = rows.filter((r) => r.total !== null && r.total >= line - m && r.total < line).map((r) => r.name);
    const who = names.length ? `${names.length}人：${names.join('、')}` : '：无';
    // With 等级 only, the line is named without points (the names say who is close, not by how much).
    return scores ? `${label}线（${formatNumber(line)}分）下${m}分以内${who}` : `接近${label}线${who}`;
  });
}

/** 错题: the items a student lost most points on (ties by item order), with their knowledge points. */
export function mistakesOf(
  items: readonly ItemInfo[],
  scores: ReadonlyMap<number, number> | undefined,
  n = MISTAKES_PER_STUDENT,
): { item: ItemInfo; lost: number }[] {
  if (!scores) return [];
  return items
    .map((item) => ({ item, lost: item.maxScore - (scores.get(item.itemId) ?? 0) }))
    .filter((x) => x.lost > 1e-9)
    .sort((a, b) => b.lost - a.lost || a.item.seq - b.item.seq)
    .slice(0, n);
}

function mistakesTable(
  data: StoredAnalysis,
  students: ClassStudent[],
  complete: Set<number>,
  itemScores: ClassReportInput['itemScores'],
  scores: boolean,
): ReportTable | null {
  const rows = students
    .filter((s) => complete.has(s.studentId))
    .map((s) => {
      const m = mistakesOf(data.items, itemScores.get(s.studentId));
      const kps = [...new Set(m.flatMap((x) => x.item.knowledgePoints.filter((k) => k.trim())))];
      return [
        s.name,
        m.length
          ? m.map((x) => `第${x.item.label}题${scores ? `失${formatNumber(x.lost, 1)}分` : ''}`).join('、')
          : '全部得满分',
        kps.length ? kps.join('、') : DASH,
      ];
    });
  return rows.length ? { header: ['学生', scores ? '失分最多的题' : '需要订正的题', '涉及知识点'], rows } : null;
}

/**
 * 进退步: each student's standing as a T score against the alliance (50 + 10 × (score − mean) ÷ SD) in the prior exam and
 * now; a change of at least MOVEMENT_T is named. With 等级 only, names without figures.
 */
export function movementOf(
  subject: string,
  now: { mean: number; sd: number } | null,
  before: { mean: number; sd: number } | null,
  rows: { name: string; now: number | null; before: number | null }[],
  scores: boolean,
  priorExamName: string,
): { lines: string[]; table: ReportTable | null } | null {
  if (!now || !before || !(now.sd > 0) || !(before.sd > 0)) return null;
  const t = (x: number, u: { mean: number; sd: number }) => 50 + (10 * (x - u.mean)) / u.sd;
  const both = rows
    .filter((r) => r.now !== null && r.before !== null)
    .map((r) => ({ name: r.name, tBefore: t(r.before!, before), tNow: t(r.now!, now) }))
    .map((r) => ({ ...r, delta: r.tNow - r.tBefore }));
  if (!both.length) return { lines: [`本班学生没有${priorExamName}的${subject}成绩，无法比较进退步。`], table: null };
  const up = both.filter((r) => r.delta >= MOVEMENT_T);
  const down = both.filter((r) => r.delta <= -MOVEMENT_T);
  const list = (xs: typeof both) => (xs.length ? `${xs.length}人：${xs.map((x) => x.name).join('、')}` : '无');
  const lines = [
    `与${priorExamName}相比（两次都参考的${both.length}人，按在联盟中的相对位置比较）：`,
    `明显进步${list(up)}。`,
    `明显退步${list(down)}。`,
    '个人一次考试的波动较大，请结合平时表现看待，仅作关注提醒，不作排名。',
  ];
  const table: ReportTable | null =
    scores && (up.length || down.length)
      ? {
          header: ['学生', '上次T分', '本次T分', '变化'],
          rows: [...up, ...down].map((r) => [
            r.name,
            formatNumber(r.tBefore, 1),
            formatNumber(r.tNow, 1),
            `${r.delta > 0 ? '+' : ''}${formatNumber(r.delta, 1)}`,
          ]),
        }
      : null;
  return { lines, table };
}

function section(
  input: ClassReportInput,
  data: StoredAnalysis,
  rows: ClassStudentRow[],
  raw: ReadonlyMap<string, number>,
): ClassSection {
  const isTotal = data.paper.paperId === TOTAL_PAPER_ID;
  const view = principalView(data, [input.schoolId]);
  const own = view.ownSchools[0];
  const alliance = view.alliance;
  const school: ViewedUnit | null = own ?? null;
  const cls: ClassAnalysis | null = own?.classes?.find((c) => c.classId === input.classId) ?? null;
  const items = new Map<number, ItemInfo>(data.items.map((i) => [i.itemId, i]));
  const unit = isTotal ? 'subject' : 'item';
  const schoolShown = restShown(school, cls);
  // Comparisons with the alliance need more than 5 other students in it (see restShown).
  const allianceShown = restShown(alliance, cls);
  const found =
    cls && !cls.suppressed && allianceShown
      ? paperFindings(data.paper.subject, data.paper.fullMarks, data.items, cls, alliance, unit)
      : [];
  const exp =
    cls && allianceShown
      ? expectationInput(data.paper.subject, data.paper.fullMarks, data.items, cls, alliance, unit)
      : null;
  const paperOf = (r: ClassStudentRow) => r.papers.find((p) => p.paperId === data.paper.paperId);
  // Decisions use the stored totals; what is printed of them follows the rule (scores or 等级 only).
  const totals = rows.map((r) => ({ name: r.name, total: raw.get(`${data.paper.paperId}:${r.studentId}`) ?? null }));
  const complete = new Set(rows.filter((r) => paperOf(r)?.status === 'complete').map((r) => r.studentId));
  const bars = cls && allianceShown ? itemBars(data, cls, schoolShown ? school : null, alliance) : null;
  const priorData = input.prior?.analyses.find((a) => a.paper.subject === data.paper.subject);
  const priorBy = new Map(
    (input.prior?.totals ?? []).filter((t) => t.subject === data.paper.subject).map((t) => [t.studentId, t.total]),
  );
  const movement =
    input.prior && priorData && !isTotal
      ? movementOf(
          data.paper.subject,
          alliance.summary,
          priorData.alliance.summary,
          rows.map((r, i) => ({ name: r.name, now: totals[i].total, before: priorBy.get(r.studentId) ?? null })),
          input.show.scores,
          input.prior.examName,
        )
      : null;
  return {
    heading: isTotal ? '总分' : data.paper.subject,
    subject: data.paper.subject,
    isTotal,
    intro: [
      isTotal
        ? `总分：${data.items.map((i) => i.label).join('、')}共${data.items.length}科，满分${formatNumber(data.paper.fullMarks)}分。`
        : `满分${formatNumber(data.paper.fullMarks)}分，共${data.items.length}题。`,
      cls
        ? `本班名单${cls.roster}人，计入统计${cls.n}人，缺考${cls.absent}人，` +
          (cls.unscanned ? `未扫描${cls.unscanned}人，` : '') +
          `尚未评完${cls.incomplete}人。`
        : '本班没有计入本科统计的学生。',
      ...(cls?.suppressed ? ['本班计入统计的人数不超过5人，不公布本班统计数据。'] : []),
      ...(cls?.unreliable ? ['本班计入统计的人数少于15人（小样本），统计数据仅供参考。'] : []),
      ...(school && !schoolShown
        ? ['本校除本班外参考人数不超过5人，为免推算出其他班级学生的成绩，不显示本校统计。']
        : []),
      ...(!allianceShown ? ['联盟除本班外参考人数不超过5人，不显示联盟统计和对比。'] : []),
    ],
    mainTable: mainTable(cls, schoolShown ? school : null, allianceShown ? alliance : null),
    findings: cls ? findingLines(cls, found, items, unit).map(asClass) : [],
    charts: bars ? [bars] : [],
    knowledgeTable: exp && !isTotal ? asClassTable(groupTable(exp, 'knowledge_point', data.items)) : null,
    errors:
      cls && !isTotal && !cls.suppressed && allianceShown
        ? (() => {
            const e = typicalErrors(data.items, cls, alliance);
            return {
              choice: asClassTable(e.choice),
              subjective: asClassTable(e.subjective),
              notes: e.notes.map(asClass),
            };
          })()
        : { choice: null, subjective: null, notes: [] },
    borderline: borderlineNames(
      totals,
      data.paper.fullMarks,
      data.thresholds,
      input.borderlineMargin,
      input.show.scores,
    ),
    movement,
    mistakes: isTotal ? null : mistakesTable(data, input.students, complete, input.itemScores, input.show.scores),
  };
}

export function buildClassReport(input: ClassReportInput): ClassReportModel {
  if (!input.analyses.length) throw new Error('no analysis to report');
  const ordered = [...input.analyses].sort(
    (a, b) =>
      (a.paper.paperId === TOTAL_PAPER_ID ? 1 : 0) - (b.paper.paperId === TOTAL_PAPER_ID ? 1 : 0) ||
      a.paper.paperId - b.paper.paperId,
  );
  const papers = ordered.filter((a) => a.paper.paperId !== TOTAL_PAPER_ID);
  const byKey = new Map(input.results.map((r) => [`${r.paperId}:${r.studentId}`, r]));
  const withTotal = ordered.some((a) => a.paper.paperId === TOTAL_PAPER_ID) && papers.length > 1;
  const fullTotal = papers.reduce((s, p) => s + p.paper.fullMarks, 0);
  const students = [...input.students].sort((a, b) => a.examNo.localeCompare(b.examNo) || a.studentId - b.studentId);
  const raw = new Map<string, number>();
  const rows: ClassStudentRow[] = students.map((s) => {
    const per = papers.map((p) => {
      const r = byKey.get(`${p.paper.paperId}:${s.studentId}`);
      const status = statusOf(r);
      const total = status === 'complete' ? r!.total : null;
      return {
        paperId: p.paper.paperId,
        subject: p.paper.subject,
        status,
        score: input.show.scores ? total : null,
        band: input.show.bands ? gradeBand(total, p.paper.fullMarks, input.bandCutoffs) : null,
        raw: total,
      };
    });
    for (const p of per) if (p.raw !== null) raw.set(`${p.paperId}:${s.studentId}`, p.raw);
    const out = per.map(({ raw: _raw, ...p }) => p);
    if (withTotal) {
      // 总分 only for a student present with a total in every subject (the rule of the 总分 analysis).
      const status: Status = per.some((p) => p.status === 'absent')
        ? 'absent'
        : per.every((p) => p.status === 'complete')
          ? 'complete'
          : per.some((p) => p.status === 'unscanned')
            ? 'unscanned'
            : per.some((p) => p.status === 'not_computed')
              ? 'not_computed'
              : 'incomplete';
      const sum = status === 'complete' ? per.reduce((x, p) => x + (p.raw ?? 0), 0) : null;
      if (sum !== null) raw.set(`${TOTAL_PAPER_ID}:${s.studentId}`, sum);
      out.push({
        paperId: TOTAL_PAPER_ID,
        subject: '总分',
        status,
        score: input.show.scores ? sum : null,
        band: input.show.bands ? gradeBand(sum, fullTotal, input.bandCutoffs) : null,
      });
    }
    return { studentId: s.studentId, name: s.name, examNo: s.examNo, papers: out };
  });
  const subjects = rows[0]?.papers.map((p) => p.subject) ?? [
    ...papers.map((p) => p.paper.subject),
    ...(withTotal ? ['总分'] : []),
  ];
  const studentTable: ReportTable = {
    header: ['姓名', '考号', ...subjects],
    rows: rows.map((r) => [r.name, r.examNo, ...r.papers.map((p) => cellText(p, input.show.scores))]),
  };
  const sections = ordered
    .filter((d) => d.paper.paperId !== TOTAL_PAPER_ID || withTotal)
    .map((d) => section(input, d, rows, raw));
  const scopeText = input.subjectScope ? `${input.subjectScope}（任课教师）` : '全部学科';
  return {
    documentTitle: `${input.examName} 班级报告 · ${input.schoolName} ${input.className}`,
    examName: input.examName,
    schoolName: input.schoolName,
    className: input.className,
    scopeText,
    dateText: dateText(input.date ?? new Date()),
    showsScores: input.show.scores,
    students: rows,
    studentTable,
    sections,
    notes: [
      input.show.scores
        ? '学生成绩按考号排列，只列分数和等级，不排名次；本报告仅供本班教师改进教学使用，不得张贴或公布。'
        : '按本次考试的成绩使用规定，本报告只列学生的等级，不列分数，也不排名次；仅供本班教师改进教学使用。',
      '本校、联盟为整体统计；报告不含其他学校和其他班级的学生信息。',
      `临界生：在及格线或优秀线下${Math.round((input.borderlineMargin ?? BORDERLINE_MARGIN) * 100)}%满分以内的学生。`,
    ],
  };
}
