// Page 1 of a school report (issue 14 §1): the verdict in plain Chinese, in this order: how the school moved (its
// value-added in one of the three statements), where it stands, the most important findings, the levers ranked by
// what they are worth. A school behind but gaining is told that first; a strong school that slipped is told too.
// No statistical jargon here: the methods appendix explains the figures. Pure.
import type { Finding } from './expectation.js';
import { formatNumber, plainPoints, signedPoints, wholePercent } from './format.js';
import { VA_STATEMENTS, vaVerdict, type VaVerdict } from '../../results/domain/va-statement.js';
import type { Borderline } from './diagnosis-tables.js';

/** A T-index drop of this much or more is a slip worth telling a school that leads. */
export const SLIP_T = 1;
export const MAX_FINDINGS = 5;
export const MAX_LEVERS = 4;

export interface VerdictInput {
  schoolName: string;
  /** What the standing is about: '总分' or the one subject. */
  subject: string;
  fullMarks: number;
  n: number;
  suppressed: boolean;
  /** Students with no sheet read and no 缺考 mark (未扫描): said on page 1, never counted as 缺考. */
  unscanned?: number;
  school: { mean: number; passRate: number; excellentRate: number } | null;
  alliance: { mean: number; passRate: number; excellentRate: number } | null;
  /** Own school's 纵看; null without a linked prior exam (or when withheld). */
  movement: {
    priorExamName: string;
    suppressed: boolean;
    matched: number;
    va: number | null;
    ciLow: number | null;
    /** The stored verdict (by the raw 95% interval), when the analysis has one. */
    verdict?: VaVerdict | null;
    ciHigh: number | null;
    deltaTIndex: number | null;
    tIndexPrior: number | null;
    tIndexNow: number | null;
  } | null;
  /** Why there is no movement (e.g. '本次考试未关联上次考试'), when movement is null. */
  movementMissing?: string;
  findings: Finding[];
  borderline: Borderline[];
  /** Full marks of each subject, for weighing levers across subjects. */
  fullMarksOf: (subject: string) => number;
}

export interface Verdict {
  /** The one sentence a principal should remember. */
  headline: string;
  movement: string[];
  standing: string[];
  findings: string[];
  levers: string[];
  /** The same levers as keys for the suggestion library, with the lever's text. */
  leverKeys: (LeverKey & { about: string })[];
}

export interface Lever {
  text: string;
  /** Percentage points of a rate of the school (及格率, 优秀率 or 得分率) it is worth. */
  worth: number;
  /** What the subject group's suggestion library is asked about this lever (see suggestions/domain/match.ts). */
  key: LeverKey;
}

/** A lever as the suggestion library's finding key: kind codes of suggestions/domain/kinds.ts. */
export interface LeverKey {
  kind: 'near_pass' | 'near_excellent' | 'weak_kp' | 'weak_level' | 'weak_item' | 'subject_lag';
  subject: string | null;
  knowledgePoint: string | null;
  cognitiveLevel: string | null;
}

const WEAKNESS_KIND: Record<Finding['target'], LeverKey['kind']> = {
  knowledge_point: 'weak_kp',
  cognitive_level: 'weak_level',
  item: 'weak_item',
  subject: 'subject_lag',
  overall: 'weak_item',
};

function movementLines(v: VerdictInput): { lines: string[]; verdict: ReturnType<typeof vaVerdict> } {
  const m = v.movement;
  if (!m) return { lines: [v.movementMissing ?? '本次考试没有关联上次考试，无法判断进退。'], verdict: null };
  if (m.suppressed || m.va === null)
    return {
      lines: [`两次考试都参加的本校学生只有${m.matched}人，人数太少，不判断进退。`],
      verdict: null,
    };
  const verdict = m.verdict !== undefined ? m.verdict : vaVerdict(m.ciLow, m.ciHigh);
  const lines = [
    `与上次考试（${m.priorExamName}）成绩相近的联盟学生相比，本校学生这次平均${m.va >= 0 ? '多得' : '少得'}${plainPoints(m.va)}分` +
      (m.ciLow !== null && m.ciHigh !== null
        ? `（有95%把握在${signedPoints(m.ciLow)}到${signedPoints(m.ciHigh)}分之间）`
        : '') +
      `：进步幅度${verdict ? VA_STATEMENTS[verdict] : '无法判断'}。`,
  ];
  if (m.deltaTIndex !== null && m.tIndexPrior !== null && m.tIndexNow !== null)
    lines.push(
      `与联盟平均相比的位置（T指数，联盟平均为50）从${formatNumber(m.tIndexPrior, 1)}变为${formatNumber(m.tIndexNow, 1)}（${signedPoints(m.deltaTIndex)}）。`,
    );
  return { lines, verdict };
}

function headline(v: VerdictInput, verdict: ReturnType<typeof vaVerdict>): string {
  if (v.suppressed || !v.school || !v.alliance) return `${v.schoolName}计入统计的学生过少，本报告不作判断。`;
  const behind = v.school.mean < v.alliance.mean;
  const slipped =
    verdict === 'below' || (v.movement?.deltaTIndex !== null && (v.movement?.deltaTIndex ?? 0) <= -SLIP_T);
  if (behind && verdict === 'above')
    return '本校成绩仍低于联盟平均，但这次进步明显快于联盟平均：学生在本校学得比在联盟其他学校更快，方向是对的。';
  if (behind && verdict === 'indistinguishable')
    return '本校成绩低于联盟平均，这次的进步幅度与联盟平均相当：差距没有拉大，也还没有缩小。';
  if (behind && verdict === 'below')
    return '本校成绩低于联盟平均，而且这次的进步幅度明显低于联盟平均：差距在拉大，需要尽快采取措施。';
  if (!behind && slipped)
    return verdict === 'below'
      ? '本校成绩仍高于联盟平均，但这次的进步幅度明显低于联盟平均：领先在缩小，不宜只看原始分。'
      : '本校成绩仍高于联盟平均，但领先幅度比上次缩小；进步幅度与联盟平均无可分辨差别，值得留意。';
  if (!behind && verdict === 'above') return '本校成绩高于联盟平均，而且这次进步明显快于联盟平均。';
  if (behind) return '本校成绩低于联盟平均；本次考试无法判断进退，请结合下文的短板与措施阅读。';
  return '本校成绩不低于联盟平均；请结合下文的短板与措施阅读。';
}

function standingLines(v: VerdictInput): string[] {
  // A school's sheets not scanned is not the same as its students absent: page 1 says which it is.
  const unscanned = v.unscanned
    ? [`本校有${v.unscanned}名学生既无识别成功的答题卡也未登记缺考（未扫描），不计为缺考，也未计入统计。`]
    : [];
  if (v.suppressed || !v.school || !v.alliance)
    return ['本校计入统计的学生不超过5人，为保护学生个人信息并避免偶然性，不公布本校的统计数据。', ...unscanned];
  const d = v.school.mean - v.alliance.mean;
  const where = Math.abs(d) < 0.005 ? '与联盟持平' : `${d > 0 ? '高于' : '低于'}联盟${plainPoints(d)}分`;
  return [
    `${v.subject}平均分${formatNumber(v.school.mean, 1)}分（联盟${formatNumber(v.alliance.mean, 1)}分），${where}；` +
      `及格率${wholePercent(v.school.passRate)}（联盟${wholePercent(v.alliance.passRate)}），优秀率${wholePercent(v.school.excellentRate)}（联盟${wholePercent(v.alliance.excellentRate)}）。`,
    ...unscanned,
  ];
}

/** Levers: 临界生 near each line, and each certain or likely weakness, ranked by percentage points of a school rate. */
export function levers(v: VerdictInput): Lever[] {
  const out: Lever[] = [];
  for (const b of v.borderline) {
    if (!b.count) continue;
    const worth = (b.rateIf - b.rateNow) * 100;
    out.push({
      worth,
      key: {
        kind: b.threshold === 'pass' ? 'near_pass' : 'near_excellent',
        subject: v.subject === '总分' ? null : v.subject,
        knowledgePoint: null,
        cognitiveLevel: null,
      },
      text: `${v.subject}${b.name}线下${b.margin}分以内的${b.count}名临界生：都达到${b.name}线，${b.name}率可提高${Math.round(worth)}个百分点（${wholePercent(b.rateNow)}→${wholePercent(b.rateIf)}）。`,
    });
  }
  for (const f of v.findings) {
    if (f.kind !== 'weakness' || f.certainty === 'possible') continue;
    const full = v.fullMarksOf(f.subject);
    const worth = full > 0 ? (f.points / full) * 100 : 0;
    out.push({
      worth,
      key: {
        kind: WEAKNESS_KIND[f.target],
        subject: f.target === 'subject' ? f.label : f.subject,
        knowledgePoint: f.knowledgePoint,
        cognitiveLevel: f.cognitiveLevel,
      },
      text: `补${f.subject === f.label ? '' : f.subject}${f.label}：达到本校自身水平应有的得分率，平均分可提高约${plainPoints(f.points)}分（得分率约${Math.max(0.1, Math.round(worth * 10) / 10)}个百分点）。`,
    });
  }
  return out.sort((a, b) => b.worth - a.worth);
}

export function buildVerdict(v: VerdictInput): Verdict {
  const m = movementLines(v);
  const shown = v.findings.filter((f) => f.certainty !== 'possible');
  const ranked = [...shown].sort(
    (a, b) =>
      Number(b.kind === 'weakness' || b.kind === 'overall_low') -
        Number(a.kind === 'weakness' || a.kind === 'overall_low') || b.points - a.points,
  );
  return {
    headline: headline(v, m.verdict),
    movement: m.lines,
    standing: standingLines(v),
    findings: ranked.slice(0, MAX_FINDINGS).map((f) => shortFinding(f)),
    levers: levers(v)
      .slice(0, MAX_LEVERS)
      .map((l) => l.text),
    leverKeys: levers(v)
      .slice(0, MAX_LEVERS)
      .map((l) => ({ ...l.key, about: l.text })),
  };
}

/** A finding in one short line for page 1. */
export function shortFinding(f: Finding): string {
  if (f.kind === 'overall_low')
    return `${f.subject}整体偏低：各部分普遍低于联盟，平均分低${plainPoints(f.points)}分，并非个别题目的问题。`;
  if (f.kind === 'overall_high')
    return `${f.subject}整体偏高：各部分普遍高于联盟，平均分高${plainPoints(f.points)}分。`;
  const where = f.target === 'subject' ? '' : f.subject;
  return `${where}${f.label}${f.kind === 'weakness' ? '是短板' : '是长项'}：得分率${wholePercent(f.schoolRate)}，按本校水平预期${wholePercent(f.expectedRate)}，平均每人${f.kind === 'weakness' ? '少得' : '多得'}${plainPoints(f.points)}分。`;
}
