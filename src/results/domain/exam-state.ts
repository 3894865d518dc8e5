// The exam's lifecycle as the data says it is (筹备 → 考试 → 扫描 → 阅卷 → 统计 → 已发布), with what is left to do, and
// the release gate's list of unfinished work. Pure: the facts are gathered by repositories (ExamStateService).

export type ExamStage = 'preparing' | 'sitting' | 'scanning' | 'marking' | 'computing' | 'released';

export const STAGES: readonly { key: ExamStage; label: string }[] = [
  { key: 'preparing', label: '筹备' },
  { key: 'sitting', label: '考试' },
  { key: 'scanning', label: '扫描' },
  { key: 'marking', label: '阅卷' },
  { key: 'computing', label: '统计' },
  { key: 'released', label: '已发布' },
];

export interface SchoolSheets {
  /** Shown to those who may see every school (the admin); null: counted without naming the school. */
  name: string | null;
  /** Sheets owed: roster students × papers of record. */
  owed: number;
  /** Sheets read (student × paper with a read page). */
  read: number;
  /** 缺考 marks (student × paper). */
  absent: number;
}

export interface ExamFacts {
  /** An imported exam (历史成绩导入): no lifecycle, its results are the file's. */
  imported: boolean;
  /** Papers of record, one per subject. */
  papers: readonly { subject: string; locked: boolean }[];
  schools: readonly SchoolSheets[];
  /** Pages uploaded (any status). */
  pagesUploaded: number;
  /** Pages waiting to be read. */
  pagesQueued: number;
  /** Pages in the exceptions queue, and OMR reviews not decided. */
  exceptions: number;
  omrReviews: number;
  /** Answers (subjective items) without a final score. */
  unmarked: number;
  scoreVersion: number;
  /** The version the stored results were computed from; null: never computed. */
  computedVersion: number | null;
  /** The version released to principals; null: not released. */
  releasedVersion: number | null;
}

/** What the release gate shows before 成绩发布 (and the exam page as what is left). */
export interface Unfinished {
  unmarked: number;
  /** Sheets neither read nor marked 缺考 (未扫描), in total and by school. */
  unscanned: number;
  unscannedBySchool: { name: string | null; unscanned: number }[];
  exceptions: number;
}

export interface ExamState {
  stage: ExamStage | 'imported';
  label: string;
  /** What is left to do, in Chinese, most urgent first. */
  todo: string[];
  unfinished: Unfinished;
  computed: boolean;
  /** Results computed from an older version than the current one: 需重新计算. */
  resultsOutdated: boolean;
  released: boolean;
  /** Released results computed from an older version than the current one: 需重新发布. */
  releaseOutdated: boolean;
  scoreVersion: number;
  computedVersion: number | null;
  releasedVersion: number | null;
}

const label = (stage: ExamStage) => STAGES.find((s) => s.key === stage)!.label;

/** Sheets neither read nor marked absent, overall and per school (schools with none left out). */
export function unfinishedOf(f: ExamFacts): Unfinished {
  const bySchool = f.schools
    .map((s) => ({ name: s.name, unscanned: Math.max(0, s.owed - s.read - s.absent) }))
    .filter((s) => s.unscanned > 0);
  return {
    unmarked: f.unmarked,
    unscanned: bySchool.reduce((a, s) => a + s.unscanned, 0),
    unscannedBySchool: bySchool,
    exceptions: f.exceptions + f.omrReviews,
  };
}

/** Whether releasing now needs a written reason: something is unfinished. */
export function needsReason(u: Unfinished): boolean {
  return u.unmarked > 0 || u.unscanned > 0 || u.exceptions > 0;
}

/** The unfinished work as sentences (release dialog, compute confirmation, exam pages). */
export function unfinishedLines(u: Unfinished, queued = 0): string[] {
  const out: string[] = [];
  if (u.unscanned) {
    const named = u.unscannedBySchool.filter((s) => s.name !== null);
    const where = named.length ? `（${named.map((s) => `${s.name} ${s.unscanned}`).join('，')}）` : '';
    out.push(`${u.unscanned} 份答题卡未扫描或未识别（既无识别成功的答题卡，也未登记缺考）${where}`);
  }
  if (queued) out.push(`${queued} 页扫描图像等待识别`);
  if (u.exceptions) out.push(`${u.exceptions} 个扫描异常或填涂复核待处理`);
  if (u.unmarked) out.push(`${u.unmarked} 份主观题答案尚未评完`);
  return out;
}

/**
 * The stage is the first phase whose work is not done; once released it stays 已发布 (what is still unfinished
 * stays listed, and a later change of scores marks the release outdated until it is re-issued).
 */
export function examState(f: ExamFacts): ExamState {
  const u = unfinishedOf(f);
  const computed = f.computedVersion !== null;
  const resultsOutdated = computed && f.computedVersion! < f.scoreVersion;
  const released = f.releasedVersion !== null;
  const releaseOutdated = released && f.releasedVersion! < f.scoreVersion;
  const base = {
    unfinished: u,
    computed,
    resultsOutdated,
    released,
    releaseOutdated,
    scoreVersion: f.scoreVersion,
    computedVersion: f.computedVersion,
    releasedVersion: f.releasedVersion,
  };
  if (f.imported) return { ...base, stage: 'imported', label: '历史成绩导入', todo: [] };
  const stage = stageOf(f, u, released);
  return {
    ...base,
    stage,
    label: label(stage),
    todo: todoOf(f, u, stage, { computed, resultsOutdated, releaseOutdated }),
  };
}

function stageOf(f: ExamFacts, u: Unfinished, released: boolean): ExamStage {
  if (released) return 'released';
  if (!f.papers.length || f.papers.some((p) => !p.locked)) return 'preparing';
  if (f.pagesUploaded === 0 && f.schools.every((s) => s.absent === 0)) return 'sitting';
  if (u.unscanned > 0 || f.pagesQueued > 0 || u.exceptions > 0) return 'scanning';
  if (u.unmarked > 0) return 'marking';
  return 'computing';
}

function todoOf(
  f: ExamFacts,
  u: Unfinished,
  stage: ExamStage,
  r: { computed: boolean; resultsOutdated: boolean; releaseOutdated: boolean },
): string[] {
  const out: string[] = [];
  if (!f.papers.length) out.push('尚未录入试卷');
  const open = f.papers.filter((p) => !p.locked).map((p) => p.subject);
  if (open.length) out.push(`${open.join('、')}试卷尚未审核定稿`);
  if (stage === 'preparing' && open.length) return out;
  if (stage === 'sitting') {
    out.push('考试结束后，各校上传答题卡扫描图像');
    return out;
  }
  out.push(...unfinishedLines(u, f.pagesQueued));
  if (!r.computed) out.push('尚未计算成绩');
  else if (r.resultsOutdated) out.push('成绩计算后分数又有变动，需重新计算');
  if (stage === 'released') {
    if (r.releaseOutdated) out.push('发布后成绩有变动：重新计算后需重新发布');
  } else out.push('成绩尚未发布，校长还看不到成绩和报告');
  return out;
}
