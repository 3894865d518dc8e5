// The two-way table (双向细目表) itself: a paper's score per knowledge point × cognitive level. Pure.
import type { BlueprintItem } from './blueprint.js';
import { DEFAULT_COGNITIVE_LEVELS } from './paper-validation.js';

/** The two-way table itself: score per knowledge point × cognitive level (items without either under “未标注”). */
export function blueprintMatrix(
  items: BlueprintItem[],
  levels: readonly string[] = DEFAULT_COGNITIVE_LEVELS,
): {
  levels: string[];
  rows: { knowledgePoint: string; scores: number[]; total: number }[];
  levelTotals: number[];
  total: number;
} {
  const cols = [...levels, '未标注'];
  const byKp = new Map<string, number[]>();
  // Column totals count each item once, whatever its number of knowledge points: they add up to full marks.
  const levelCents = cols.map(() => 0);
  for (const it of items) {
    const kps = it.knowledgePoints?.length ? it.knowledgePoints : ['未标注'];
    const col =
      it.cognitiveLevel && levels.includes(it.cognitiveLevel) ? levels.indexOf(it.cognitiveLevel) : cols.length - 1;
    levelCents[col] += Math.round(it.maxScore * 100);
    // An item on several knowledge points counts fully under each: the table shows coverage, not a partition.
    for (const kp of kps) {
      const row = byKp.get(kp) ?? cols.map(() => 0);
      row[col] = Math.round((row[col] + it.maxScore) * 100) / 100;
      byKp.set(kp, row);
    }
  }
  return {
    levels: cols,
    rows: [...byKp].map(([knowledgePoint, scores]) => ({
      knowledgePoint,
      scores,
      total: Math.round(scores.reduce((a, b) => a + b, 0) * 100) / 100,
    })),
    levelTotals: levelCents.map((c) => c / 100),
    total: levelCents.reduce((a, b) => a + b, 0) / 100,
  };
}
