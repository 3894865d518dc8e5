// The subject lead's marking set-up (题块分配, per-item rules, workload) and why a marker has nothing to mark.
// Pure: plain data in, plain data out; the services read the counts and apply the answers.
import type { MarkingModeName } from './marking-rounds.js';
import { toCents } from './resolve-final-score.js';

export const MODE_NAMES: Record<MarkingModeName, string> = {
  single: '单评',
  double: '双评',
  double_arbitration: '双评+三评+仲裁',
};

/** Live rounds an answer needs before a third marking: one for single marking, two for double. */
const BASE_ROUNDS: Record<MarkingModeName, number> = { single: 1, double: 2, double_arbitration: 2 };

/** What has happened to an item's answers so far: the tasks scan ingestion made, the marks given (live or QC). */
export interface ItemActivity {
  tasks: number;
  marks: number;
}

export interface FieldLock {
  locked: boolean;
  /** Why, in Chinese for the lead; null when editable. */
  reason: string | null;
}

export interface RuleLocks {
  markingMode: FieldLock;
  tolerance: FieldLock;
  scoreStep: FieldLock;
}

const open: FieldLock = { locked: false, reason: null };

/**
 * Which of an item's marking rules may still change. Once any mark is given, none: the answers already marked were
 * judged by the old tolerance and step, the rest would be judged by new ones. Before that, the mode is fixed as soon as
 * tasks exist: scan ingestion made one task per round of the mode, and a changed mode would not match them.
 */
export function ruleLocks(a: ItemActivity): RuleLocks {
  if (a.marks > 0) {
    const reason = `本题已开始阅卷（已有 ${a.marks} 次评分），评卷方式、误差阈值和步长不能再改：已评和未评的答卷必须用同一标准`;
    const l = { locked: true, reason };
    return { markingMode: l, tolerance: l, scoreStep: l };
  }
  if (a.tasks > 0)
    return {
      markingMode: {
        locked: true,
        reason: `已按当前评卷方式生成 ${a.tasks} 个阅卷任务，评卷方式不能再改（误差阈值和步长在开评前仍可修改）`,
      },
      tolerance: open,
      scoreStep: open,
    };
  return { markingMode: open, tolerance: open, scoreStep: open };
}

export interface MarkingRules {
  markingMode: MarkingModeName;
  tolerance: number;
  scoreStep: number;
}

/** The Chinese reason these rules are not acceptable for an item of this full mark, or null when they are. */
export function rulesError(r: MarkingRules, maxScore: number): string | null {
  if (!(r.markingMode in MODE_NAMES)) return '评卷方式应为单评、双评或双评+三评+仲裁';
  const step = toCents(r.scoreStep);
  const tol = toCents(r.tolerance);
  if (!Number.isFinite(r.scoreStep) || step <= 0) return '步长应为正数（如 1 或 0.5）';
  if (Math.abs(r.scoreStep * 100 - step) > 1e-6) return '步长最多两位小数';
  if (toCents(maxScore) % step !== 0) return `满分 ${maxScore} 分不是步长 ${r.scoreStep} 的整数倍`;
  if (!Number.isFinite(r.tolerance) || tol < 0) return '误差阈值不能为负数';
  if (tol > toCents(maxScore)) return `误差阈值不能超过满分 ${maxScore} 分`;
  if (Math.abs(r.tolerance * 100 - tol) > 1e-6) return '误差阈值最多两位小数';
  return null;
}

/** Which rules a change touches that are locked: the first such field's reason, or null. */
export function lockedChange(current: MarkingRules, next: MarkingRules, locks: RuleLocks): string | null {
  for (const f of ['markingMode', 'tolerance', 'scoreStep'] as const) {
    const changed = f === 'markingMode' ? current[f] !== next[f] : toCents(current[f]) !== toCents(next[f]);
    if (changed && locks[f].locked) return locks[f].reason;
  }
  return null;
}

// ───────────────────────────── 试评 pass rule ─────────────────────────────

/**
 * The lead says "within tolerance on at least N of the M trial answers"; the setting keeps the share N / M (what
 * trialVerdict compares against), so the rule holds whatever M becomes. Chinese error, or the share.
 */
export function trialPassShare(needed: number, of: number): number | string {
  if (!Number.isInteger(of) || of < 1) return '请先选定试评卷（至少 1 份）';
  if (!Number.isInteger(needed) || needed < 1 || needed > of) return `通过标准应为 1–${of} 份之间的整数`;
  // Rounded down to the column's four decimals: N of M still passes, N − 1 of M does not.
  return Math.floor((needed / of) * 10000) / 10000;
}

/** The N of "at least N of M" that a kept share means for M trial answers (null: the lead approves by hand). */
export function trialPassCount(share: number | null, of: number): number | null {
  if (share === null || of < 1) return null;
  return Math.max(1, Math.ceil(share * of - 1e-6));
}

// ───────────────────────────── workload (题块分配) ─────────────────────────────

export interface WorkloadItem {
  itemId: number;
  label: string;
  /** Said before the item's number when the set-up spans several subjects (数学第17题). */
  subject?: string;
  mode: MarkingModeName;
  /** Answers of the item (scanned so far, or expected). */
  answers: number;
  /** Live rounds still to mark (pending or leased); null before scanning made any task. */
  openTasks: number | null;
  markerIds: number[];
}

export interface WorkloadBlock {
  blockId: number;
  name: string;
  itemIds: number[];
}

export interface Workload {
  /** Per marker: expected rounds to mark in all (answers × rounds, shared evenly), and of those still open. */
  markers: { markerId: number; expected: number; open: number }[];
  /** Per item: expected rounds in all. */
  items: { itemId: number; expected: number; perMarker: number | null }[];
  warnings: string[];
}

/**
 * Expected tasks per item (answers × live rounds, plus the third markings the third-marking rate predicts for
 * 双评+三评+仲裁) shared evenly among its markers (every marker leases from one pool, so shares even out), and the
 * warnings a lead must act on: a 题块 or item nobody marks, a double-marked item with fewer than two markers (one
 * marker never marks both rounds of an answer, so the second rounds would wait for ever).
 */
export function workload(items: WorkloadItem[], blocks: WorkloadBlock[], thirdRate: number): Workload {
  const perMarker = new Map<number, { expected: number; open: number }>();
  const out: Workload = { markers: [], items: [], warnings: [] };
  const blockOf = new Map(blocks.flatMap((b) => b.itemIds.map((id) => [id, b] as const)));
  for (const b of blocks) {
    const its = items.filter((i) => b.itemIds.includes(i.itemId));
    if (!its.length) out.warnings.push(`题块「${b.name}」还没有题目`);
    else if (its.every((i) => !i.markerIds.length)) out.warnings.push(`题块「${b.name}」还没有分配阅卷教师`);
  }
  for (const it of items) {
    const third = it.mode === 'double_arbitration' ? Math.max(0, Math.min(1, thirdRate)) : 0;
    const expected = Math.round(it.answers * (BASE_ROUNDS[it.mode] + third));
    const n = it.markerIds.length;
    const name = `${it.subject ?? ''}第${it.label}题`;
    out.items.push({ itemId: it.itemId, expected, perMarker: n ? Math.ceil(expected / n) : null });
    if (!n && !blockOf.has(it.itemId)) out.warnings.push(`${name}不在任何题块中，也没有阅卷教师`);
    else if (!n) out.warnings.push(`${name}没有阅卷教师`);
    else if (BASE_ROUNDS[it.mode] === 2 && n < 2)
      out.warnings.push(
        `第${it.label}题为${MODE_NAMES[it.mode]}，至少需要 2 位阅卷教师（同一教师不评同一份答卷的两评）`,
      );
    for (const m of it.markerIds) {
      const w = perMarker.get(m) ?? { expected: 0, open: 0 };
      w.expected += expected / n;
      w.open += (it.openTasks ?? expected) / n;
      perMarker.set(m, w);
    }
  }
  out.markers = [...perMarker.entries()]
    .map(([markerId, w]) => ({ markerId, expected: Math.ceil(w.expected - 1e-9), open: Math.ceil(w.open - 1e-9) }))
    .sort((a, b) => a.markerId - b.markerId);
  return out;
}

// ───────────────────────────── why a marker has nothing to mark ─────────────────────────────

export type IdleReason =
  | 'unassigned'
  | 'suspended'
  | 'trial_wait'
  | 'daily_cap'
  | 'leased_by_others'
  | 'waiting_pair'
  | 'no_answers'
  | 'all_done';

/** What the marker's next call found about one item it is assigned to. */
export interface IdleFacts {
  suspended: boolean;
  suspendedReason: string | null;
  /** In trial with every trial answer marked, not (yet) let through to live marking. */
  trialWaiting: boolean;
  /** The daily cap, when today's marks reached it; null otherwise. */
  capReached: number | null;
  /** Answers of the item (snippets cut by scanning). */
  answers: number;
  /** Live rounds open (pending, or leased and expired) that this marker may take. */
  openForMe: number;
  /** Live rounds open that this marker may not take: other rounds of answers it marked or holds. */
  openForOthers: number;
  /** Live rounds leased by other markers right now. */
  leasedByOthers: number;
}

/** Why there is nothing to mark on one assigned item. 'all_done' only when no round of the item is open at all. */
export function idleReason(f: IdleFacts): IdleReason {
  if (f.suspended) return 'suspended';
  if (f.trialWaiting) return 'trial_wait';
  if (f.capReached !== null) return 'daily_cap';
  if (f.answers === 0) return 'no_answers';
  if (f.openForOthers > 0) return 'waiting_pair';
  if (f.leasedByOthers > 0) return 'leased_by_others';
  return 'all_done';
}

/** The reason the page leads with, of several items: the one the marker can act on or wait for, before 'all_done'. */
const PRIORITY: IdleReason[] = [
  'suspended',
  'trial_wait',
  'daily_cap',
  'leased_by_others',
  'waiting_pair',
  'no_answers',
  'all_done',
];

export function headlineReason(reasons: IdleReason[]): IdleReason {
  if (!reasons.length) return 'unassigned';
  return PRIORITY.find((p) => reasons.includes(p)) ?? 'all_done';
}

/** The sentence the marker reads, in Chinese. */
export function idleText(reason: IdleReason, f?: Partial<IdleFacts>): string {
  switch (reason) {
    case 'unassigned':
      return '您还没有被分配题块，请联系学科组长在“阅卷设置”中分配';
    case 'suspended':
      return `您在本题的阅卷已被暂停${f?.suspendedReason ? `（${f.suspendedReason}）` : ''}，请联系学科组长`;
    case 'trial_wait':
      return '试评已完成，等待学科组长审批上岗';
    case 'daily_cap':
      return `今日已达每日评阅上限（${f?.capReached ?? ''} 份），明天再继续`;
    case 'leased_by_others':
      return `剩余 ${f?.leasedByOthers ?? ''} 份正由其他教师评阅中；超时未提交的会回到待评，请稍后刷新`;
    case 'waiting_pair':
      return `剩余 ${f?.openForOthers ?? ''} 份是您已评答卷的另一评，需由其他教师评阅（等待双评配对）`;
    case 'no_answers':
      return '本题还没有扫描生成的答卷，请等待扫描完成';
    case 'all_done':
      return '本题已全部评完，感谢您的辛勤工作！';
  }
}
