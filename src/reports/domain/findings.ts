// The short 'findings' list of a school report, in Chinese: where the school is clearly behind the
// alliance on an item (找差距、补短板), where it is clearly ahead, and how far the figures can be trusted.
import type { ItemInfo, UnitAnalysis } from '../../results/domain/exam-analysis.js';
import { SUPPRESS_AT_OR_BELOW, UNRELIABLE_BELOW } from '../../results/domain/statistics.js';
import { formatNumber, formatPercent, formatPoints } from './format.js';

/** An item is a weakness (or strength) when the school's score rate is this many points below (above) the alliance's. */
export const GAP_POINTS = 10;

export interface ItemGap {
  itemId: number;
  label: string;
  knowledgePoints: string[];
  schoolRate: number;
  allianceRate: number;
  /** School minus alliance, in percentage points. */
  gapPoints: number;
}

/** Items whose score rate differs from the alliance's by at least GAP_POINTS percentage points. */
export function itemGaps(
  items: ItemInfo[],
  school: UnitAnalysis,
  alliance: UnitAnalysis,
): { weaker: ItemGap[]; stronger: ItemGap[] } {
  if (!school.items || !alliance.items) return { weaker: [], stronger: [] };
  const a = new Map(alliance.items.map((x) => [x.itemId, x.scoreRate]));
  const s = new Map(school.items.map((x) => [x.itemId, x.scoreRate]));
  const gaps: ItemGap[] = [];
  for (const it of items) {
    const sr = s.get(it.itemId);
    const ar = a.get(it.itemId);
    if (sr === undefined || ar === undefined) continue;
    // In hundredths of a point, so a gap of exactly 10.00 points counts despite binary fractions.
    const gap = Math.round((sr - ar) * 10000) / 100;
    gaps.push({
      itemId: it.itemId,
      label: it.label,
      knowledgePoints: it.knowledgePoints,
      schoolRate: sr,
      allianceRate: ar,
      gapPoints: gap,
    });
  }
  return {
    weaker: gaps.filter((g) => g.gapPoints <= -GAP_POINTS).sort((x, y) => x.gapPoints - y.gapPoints),
    stronger: gaps.filter((g) => g.gapPoints >= GAP_POINTS).sort((x, y) => y.gapPoints - x.gapPoints),
  };
}

const kp = (g: ItemGap) => (g.knowledgePoints.length ? `（${g.knowledgePoints.join('、')}）` : '');

/** 'subject': the items are the subjects of a 总分 analysis ("数学" rather than "第3题"). */
export function findings(
  items: ItemInfo[],
  school: UnitAnalysis,
  alliance: UnitAnalysis,
  unit: 'item' | 'subject' = 'item',
): string[] {
  const name = (g: ItemGap) => (unit === 'subject' ? g.label : `第${g.label}题${kp(g)}`);
  const noun = unit === 'subject' ? '学科' : '题目';
  const out: string[] = [];
  const notCounted: string[] = [];
  if (school.absent) notCounted.push(`${school.absent}人缺考`);
  if (school.incomplete) notCounted.push(`${school.incomplete}人成绩尚未评完`);

  if (school.suppressed) {
    out.push(
      `本校计入统计的学生为${school.n}人（不超过${SUPPRESS_AT_OR_BELOW}人），为保护学生个人信息并避免偶然性，本报告不公布本校的统计数据。`,
    );
    if (notCounted.length) out.push(`另有${notCounted.join('、')}，未计入统计。`);
    return out;
  }
  if (school.unreliable) {
    out.push(
      `小样本提示：本校计入统计的学生只有${school.n}人（少于${UNRELIABLE_BELOW}人），各项指标受个别学生影响较大，请谨慎解读。`,
    );
  }
  if (notCounted.length) out.push(`本校有${notCounted.join('、')}，未计入统计。`);
  if (alliance.suppressed || !alliance.summary || !school.summary) {
    out.push('联盟计入统计的人数过少，无法与联盟比较。');
    return out;
  }
  const diff = school.summary.mean - alliance.summary.mean;
  const rel = school.relative?.aboveMeanRate;
  out.push(
    `本校平均分${formatNumber(school.summary.mean)}分，联盟平均分${formatNumber(alliance.summary.mean)}分，` +
      (Math.abs(diff) < 0.005
        ? '与联盟持平。'
        : `${diff > 0 ? '高于' : '低于'}联盟${formatNumber(Math.abs(diff))}分（超均率${formatPercent(rel ?? null, true)}）。`),
  );

  const { weaker, stronger } = itemGaps(items, school, alliance);
  if (weaker.length) {
    out.push(
      `需要补短板：${weaker
        .map((g) => `${name(g)}本校得分率${formatPercent(g.schoolRate)}，低于联盟${formatPoints(-g.gapPoints)}个百分点`)
        .join('；')}。`,
    );
  } else {
    out.push(`没有得分率低于联盟${GAP_POINTS}个百分点及以上的${noun}。`);
  }
  if (stronger.length) {
    out.push(
      `优势${noun}：${stronger
        .map((g) => `${name(g)}本校得分率${formatPercent(g.schoolRate)}，高于联盟${formatPoints(g.gapPoints)}个百分点`)
        .join('；')}。`,
    );
  }
  return out;
}
