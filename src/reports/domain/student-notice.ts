// A student's notice (学生成绩通知单, issue 17 item 3): per subject the 等级 (or the score where the exam's kind allows it),
// strengths and weaknesses by knowledge point, and the points of each item for the marks drawn on the student's own
// sheet. It tells nothing about other students: no rank, no class or school figure, and the alliance's knowledge-point
// rates only decide which points are strengths or weaknesses (students may not read alliance statistics, the rule
// table says: exams/domain/exam-disclosure.ts). Where the rule gives students 等级 only, nothing that adds up to a
// score is shown either: no points per item (a mark says 对, 错 or 部分得分) and no rates (words instead).
// Pure: plain data in, plain data out.
import { bandsOf, describeBands, type ExamLevel, gradeBand, may } from '../../exams/domain/exam-disclosure.js';

export interface NoticeItemInput {
  itemId: number;
  label: string;
  maxScore: number;
  knowledgePoints: readonly string[];
  /** The final score; null when not finally scored yet (or the student was absent). */
  score: number | null;
}

export interface NoticeSubjectInput {
  paperId: number;
  subject: string;
  fullMarks: number;
  /** From student_result: the total (null while incomplete), 缺考, 未扫描; null when the student has no result row. */
  result: { total: number | null; absent: boolean; unscanned: boolean } | null;
  items: NoticeItemInput[];
  /** The alliance's score rate per knowledge point; null when the alliance's figures are suppressed or missing. */
  allianceRates: ReadonlyMap<string, number> | null;
}

export interface NoticeInput {
  exam: { name: string; level: ExamLevel; cutoffs: readonly number[] };
  student: { name: string; schoolName: string; className: string };
  subjects: NoticeSubjectInput[];
}

export type SubjectStatus = 'graded' | 'absent' | 'unscanned' | 'pending';

/**
 * The 总分 row's result from the subjects' (TOTAL_RULE, results/domain/subject-totals.ts): 缺考 when absent from (or
 * without a result in) any subject, else 未扫描 when any is unscanned, else pending while any is not finally scored,
 * else the sum, exact in cents. No stored row holds it: the 总分 is derived.
 */
export function totalResult(parts: readonly NoticeSubjectInput['result'][]): NonNullable<NoticeSubjectInput['result']> {
  if (!parts.length || parts.some((r) => !r || r.absent)) return { total: null, absent: true, unscanned: false };
  if (parts.some((r) => r!.unscanned)) return { total: null, absent: false, unscanned: true };
  if (parts.some((r) => r!.total === null)) return { total: null, absent: false, unscanned: false };
  const cents = parts.reduce((sum, r) => sum + Math.round(r!.total! * 100), 0);
  return { total: cents / 100, absent: false, unscanned: false };
}

/** A knowledge point said about the student: own rate (only where scores may be shown) and how it compares. */
export interface KnowledgeNote {
  knowledgePoint: string;
  /** The student's own score rate on the point (0..1); null where the rule gives 等级 only. */
  ownRate: number | null;
  /** In words, for every regime: 明显高于联盟平均 / 低于联盟平均 / 掌握较好 / 需加强. */
  remark: string;
}

/** What is drawn at an item's place on the sheet. */
export interface ItemMark {
  itemId: number;
  label: string;
  /** "3/5" where scores may be shown; else 对 / 错 / 部分得分. */
  text: string;
  verdict: 'full' | 'partial' | 'zero' | 'unscored';
}

export interface NoticeSubject {
  paperId: number;
  subject: string;
  status: SubjectStatus;
  /** 等级 letter and name (A 优秀); null unless graded. */
  band: { letter: string; name: string } | null;
  /** Present only where the rule gives the reader the own score. */
  score: number | null;
  fullMarks: number | null;
  strengths: KnowledgeNote[];
  weaknesses: KnowledgeNote[];
  marks: ItemMark[];
}

export interface StudentNotice {
  examName: string;
  student: { name: string; schoolName: string; className: string };
  /** Whether the own score (and per-item points) may be shown to the student and parent. */
  showsScore: boolean;
  bandsText: string;
  subjects: NoticeSubject[];
  /** The closing line: how to read the notice, and that it holds no rank. */
  note: string;
}

/** Knowledge points shown at most, each side. */
export const MAX_NOTES = 3;
/** A point is a strength or a weakness when the student's rate is this far from the alliance's (10 percentage points). */
export const NOTE_MARGIN = 0.1;
/** Without the alliance's rates (suppressed): absolute rates decide. */
const STRONG_RATE = 0.85;
const WEAK_RATE = 0.6;

const STATUS_TEXT: Record<Exclude<SubjectStatus, 'graded'>, string> = {
  absent: '缺考',
  unscanned: '未扫描',
  pending: '评阅未完成',
};
export const statusText = (s: SubjectStatus) => (s === 'graded' ? '' : STATUS_TEXT[s]);

/** The notice goes to the student and the parent alike: a view is shown only if the rule gives it to both. */
export function showsOwnScore(level: ExamLevel): boolean {
  return may('student', level, 'own_score') && may('parent', level, 'own_score');
}

/** May a notice be given at all (等级 at least, to both readers)? */
export function noticeAllowed(level: ExamLevel): boolean {
  return may('student', level, 'grade_band') && may('parent', level, 'grade_band');
}

export function studentNotice(input: NoticeInput): StudentNotice {
  const showsScore = showsOwnScore(input.exam.level);
  const bands = bandsOf(input.exam.cutoffs);
  const subjects = input.subjects.map((s): NoticeSubject => {
    const status = statusOf(s);
    const letter = status === 'graded' ? gradeBand(s.result!.total, s.fullMarks, input.exam.cutoffs) : null;
    const band = letter ? bands.find((b) => b.letter === letter)! : null;
    const scored = status === 'graded' || status === 'pending';
    const notes = status === 'graded' ? knowledgeNotes(s, showsScore) : { strengths: [], weaknesses: [] };
    return {
      paperId: s.paperId,
      subject: s.subject,
      status,
      band: band ? { letter: band.letter, name: band.name } : null,
      score: showsScore && status === 'graded' ? s.result!.total : null,
      fullMarks: showsScore ? s.fullMarks : null,
      ...notes,
      marks: scored ? s.items.map((it) => itemMark(it, showsScore)) : [],
    };
  });
  return {
    examName: input.exam.name,
    student: { ...input.student },
    showsScore,
    bandsText: describeBands(input.exam.cutoffs),
    subjects,
    note: showsScore
      ? '本通知单只给出本人的成绩、等级和各题得分，不含排名；强项与弱项按本人知识点得分率与联盟平均比较得出。'
      : '按本次考试的成绩使用规定，本通知单只给出等级，不告知分数和排名；卷面标注各题对错，强项与弱项按本人知识点掌握情况与联盟平均比较得出。',
  };
}

function statusOf(s: NoticeSubjectInput): SubjectStatus {
  if (!s.result) return 'unscanned';
  if (s.result.absent) return 'absent';
  if (s.result.unscanned) return 'unscanned';
  return s.result.total === null ? 'pending' : 'graded';
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
const fmt = (x: number) => String(round(x, 2));

export function itemMark(it: NoticeItemInput, showsScore: boolean): ItemMark {
  if (it.score === null) return { itemId: it.itemId, label: it.label, text: '待评', verdict: 'unscored' };
  const verdict = it.score >= it.maxScore ? 'full' : it.score <= 0 ? 'zero' : 'partial';
  const words = { full: '对', zero: '错', partial: '部分得分' } as const;
  return {
    itemId: it.itemId,
    label: it.label,
    text: showsScore ? `${fmt(it.score)}/${fmt(it.maxScore)}` : words[verdict],
    verdict,
  };
}

/** The student's rate per knowledge point (score over full marks of its items), weighted by full marks. */
export function ownRates(items: readonly NoticeItemInput[]): Map<string, number> {
  const sums = new Map<string, { got: number; max: number }>();
  for (const it of items) {
    if (it.score === null || !(it.maxScore > 0)) continue;
    for (const kp of new Set(it.knowledgePoints)) {
      const s = sums.get(kp) ?? { got: 0, max: 0 };
      s.got += it.score;
      s.max += it.maxScore;
      sums.set(kp, s);
    }
  }
  return new Map([...sums].map(([kp, s]) => [kp, s.got / s.max]));
}

/** Strengths: well above the alliance (and at least fair); weaknesses: well below it. Largest gaps first. */
export function knowledgeNotes(
  s: Pick<NoticeSubjectInput, 'items' | 'allianceRates'>,
  showsScore: boolean,
): { strengths: KnowledgeNote[]; weaknesses: KnowledgeNote[] } {
  const own = ownRates(s.items);
  const rows = [...own].map(([kp, rate]) => {
    const alliance = s.allianceRates?.get(kp);
    return { kp, rate, gap: alliance === undefined ? null : rate - alliance };
  });
  const note = (r: (typeof rows)[number], remark: string): KnowledgeNote => ({
    knowledgePoint: r.kp,
    ownRate: showsScore ? round(r.rate, 4) : null,
    remark,
  });
  const strong = rows
    .filter((r) => (r.gap === null ? r.rate >= STRONG_RATE : r.gap >= NOTE_MARGIN - 1e-9 && r.rate >= WEAK_RATE))
    .sort((a, b) => (b.gap ?? b.rate) - (a.gap ?? a.rate) || a.kp.localeCompare(b.kp))
    .slice(0, MAX_NOTES)
    .map((r) => note(r, r.gap === null ? '掌握较好' : '明显高于联盟平均'));
  const weak = rows
    .filter((r) => (r.gap === null ? r.rate < WEAK_RATE : r.gap <= -NOTE_MARGIN + 1e-9))
    .sort((a, b) => (a.gap ?? a.rate) - (b.gap ?? b.rate) || a.kp.localeCompare(b.kp))
    .slice(0, MAX_NOTES)
    .map((r) => note(r, r.gap === null ? '需加强' : '低于联盟平均，需加强'));
  return { strengths: strong, weaknesses: weak };
}

// ── Where the marks go on the sheet ──

/** A mark placed on a page, in the sheet's layout points (origin top left). */
export interface PlacedMark {
  itemId: number;
  /** The region the item occupies: its answer box, or the span of its bubbles with their label. */
  box: { x: number; y: number; w: number; h: number };
  /** Where the text is written: right of a choice item's bubbles, inside the top right corner of an answer box. */
  at: { x: number; y: number };
  text: string;
  verdict: ItemMark['verdict'];
}

interface PageRegions {
  objective: readonly { itemId: number; bubbles: readonly { cx: number; cy: number; r: number }[] }[];
  subjective: readonly { itemId: number; box: { x: number; y: number; w: number; h: number } }[];
}

/** The marks of the items printed on this page, at their regions of the sheet layout. */
export function placeMarks(page: PageRegions, marks: readonly ItemMark[]): PlacedMark[] {
  const byItem = new Map(marks.map((m) => [m.itemId, m]));
  const out: PlacedMark[] = [];
  for (const block of page.objective) {
    const m = byItem.get(block.itemId);
    if (!m || !block.bubbles.length) continue;
    const xs = block.bubbles.map((b) => b.cx);
    const r = block.bubbles[0].r;
    const right = Math.max(...xs) + r;
    const box = {
      x: Math.min(...xs) - r - 22,
      y: block.bubbles[0].cy - r - 2,
      w: right - Math.min(...xs) + r + 24,
      h: 2 * r + 4,
    };
    out.push({ itemId: m.itemId, box, at: { x: right + 6, y: box.y }, text: m.text, verdict: m.verdict });
  }
  for (const block of page.subjective) {
    const m = byItem.get(block.itemId);
    if (!m) continue;
    out.push({
      itemId: m.itemId,
      box: block.box,
      at: { x: block.box.x + block.box.w - 4, y: block.box.y + 3 },
      text: m.text,
      verdict: m.verdict,
    });
  }
  return out;
}
