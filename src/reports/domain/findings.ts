// The findings of a school report in Chinese: what the rule of expectation.ts finds on one paper, said in plain words
// with how sure it is, and the notes on what the figures cannot say (suppressed, small group, students not counted).
import { ITEM_TYPES, type ItemTypeName } from '../../exams/domain/item-fields.js';
import type { ItemInfo, UnitAnalysis } from '../../results/domain/exam-analysis.js';
import type { AggregateView, ViewedUnit } from '../../results/domain/principal-view.js';
import { SUPPRESS_AT_OR_BELOW, UNRELIABLE_BELOW } from '../../results/domain/statistics.js';
import { CERTAINTY_WORDS, judgeFindings, type ExpectationInput, type Finding } from './expectation.js';
import { plainPoints, wholePercent } from './format.js';

/** '第6题（单选题）'; the item type says what kind of task it is when no knowledge point does. */
export function itemName(it: Pick<ItemInfo, 'label' | 'type'>): string {
  const type = it.type && it.type in ITEM_TYPES ? ITEM_TYPES[it.type as ItemTypeName] : null;
  return `第${it.label}题${type ? `（${type}）` : ''}`;
}

/** The finding rule's input from a stored analysis; null when the school or alliance has no figures or no detail. */
export function expectationInput(
  subject: string,
  fullMarks: number,
  items: ItemInfo[],
  school: ViewedUnit,
  alliance: ViewedUnit,
  unit: 'item' | 'subject',
): ExpectationInput | null {
  const s = school.summary;
  const a = alliance.summary;
  if (!s || !a || !school.items || !alliance.items || !school.detail || !alliance.detail) return null;
  const sItems = new Map(
    school.items.map((x, j) => [x.itemId, { mean: x.mean, sd: school.detail!.items[j]?.sd ?? 0 }]),
  );
  const aItems = new Map(
    alliance.items.map((x, j) => [x.itemId, { mean: x.mean, sd: alliance.detail!.items[j]?.sd ?? 0 }]),
  );
  const aGroups = new Map(alliance.detail.groups.map((g) => [`${g.kind}:${g.key}`, g]));
  return {
    subject,
    n: school.n,
    allianceN: alliance.n,
    fullMarks,
    school: { mean: s.mean, sd: s.sd },
    alliance: { mean: a.mean, sd: a.sd },
    unit,
    items: items
      .filter((it) => sItems.has(it.itemId) && aItems.has(it.itemId))
      .map((it) => ({
        itemId: it.itemId,
        label: unit === 'subject' ? it.label : itemName(it),
        maxScore: it.maxScore,
        knowledgePoints: it.knowledgePoints,
        cognitiveLevel: it.cognitiveLevel ?? null,
        school: sItems.get(it.itemId)!,
        alliance: aItems.get(it.itemId)!,
      })),
    groups: school.detail.groups
      .filter((g) => aGroups.has(`${g.kind}:${g.key}`))
      .map((g) => {
        const ag = aGroups.get(`${g.kind}:${g.key}`)!;
        return {
          kind: g.kind,
          key: g.key,
          itemIds: g.itemIds,
          maxScore: g.maxScore,
          school: { mean: g.mean, sd: g.sd },
          alliance: { mean: ag.mean, sd: ag.sd },
        };
      }),
  };
}

/** The findings of one paper for the school (empty when the rule has no input). */
export function paperFindings(
  subject: string,
  fullMarks: number,
  items: ItemInfo[],
  school: ViewedUnit,
  alliance: ViewedUnit,
  unit: 'item' | 'subject' = 'item',
): Finding[] {
  const input = expectationInput(subject, fullMarks, items, school, alliance, unit);
  return input ? judgeFindings(input) : [];
}

/** Items of a group finding, e.g. '第7、8题'. */
function itemList(f: Finding, items: ReadonlyMap<number, ItemInfo>): string {
  const labels = f.itemIds.map((id) => items.get(id)?.label).filter((x): x is string => !!x);
  return labels.length ? `第${labels.join('、')}题` : '';
}

/** One finding in a sentence: what, the rates (school, expected at its own level, alliance), the points, how sure. */
export function findingSentence(f: Finding, items: ReadonlyMap<number, ItemInfo>): string {
  const sure = `（${CERTAINTY_WORDS[f.certainty]}）`;
  if (f.kind === 'overall_low' || f.kind === 'overall_high') {
    const dir = f.kind === 'overall_low' ? '低' : '高';
    return (
      `${f.subject}${f.label}：本校各部分普遍${dir}于联盟，平均分${dir}${plainPoints(f.points)}分（得分率${wholePercent(f.schoolRate)}，联盟${wholePercent(f.allianceRate)}）；` +
      `${f.kind === 'overall_low' ? '差距分布在各题，并非个别题目的问题，宜从整体教学抓起' : '各部分普遍领先'}${sure}。`
    );
  }
  const what =
    f.target === 'knowledge_point' || f.target === 'cognitive_level' ? `${f.label}（${itemList(f, items)}）` : f.label;
  const where = f.target === 'subject' ? '' : `${f.subject}`;
  const dir = f.kind === 'weakness' ? '低于' : '高于';
  return (
    `${where}${what}：本校得分率${wholePercent(f.schoolRate)}，按本校整体水平预期${wholePercent(f.expectedRate)}（联盟${wholePercent(f.allianceRate)}），` +
    `${dir}预期，平均每名学生${f.kind === 'weakness' ? '少得' : '多得'}${plainPoints(f.points)}分${sure}。`
  );
}

/** What the figures cannot say about this school: suppressed, small group, students not counted. Empty when none. */
export function schoolNotes(
  school: Pick<UnitAnalysis, 'n' | 'suppressed' | 'unreliable' | 'absent' | 'incomplete' | 'unscanned'>,
): string[] {
  const out: string[] = [];
  const notCounted: string[] = [];
  if (school.absent) notCounted.push(`${school.absent}人缺考`);
  if (school.unscanned) notCounted.push(`${school.unscanned}人未扫描（既无答题卡也未登记缺考）`);
  if (school.incomplete) notCounted.push(`${school.incomplete}人成绩尚未评完`);
  if (school.suppressed) {
    out.push(
      `本校计入统计的学生为${school.n}人（不超过${SUPPRESS_AT_OR_BELOW}人），为保护学生个人信息并避免偶然性，本报告不公布本校的统计数据。`,
    );
  } else if (school.unreliable) {
    out.push(
      `小样本提示：本校计入统计的学生只有${school.n}人（少于${UNRELIABLE_BELOW}人），各项指标受个别学生影响较大，请谨慎解读。`,
    );
  }
  if (notCounted.length) out.push(`本校有${notCounted.join('、')}，未计入统计。`);
  return out;
}

/** The findings block of a section: notes, then each finding; a sentence when nothing stands out. */
export function findingLines(
  school: ViewedUnit,
  found: Finding[],
  items: ReadonlyMap<number, ItemInfo>,
  unit: 'item' | 'subject',
): string[] {
  const out = schoolNotes(school);
  if (school.suppressed) return out;
  const shown = found.filter((f) => f.certainty !== 'possible');
  if (!shown.length)
    out.push(
      unit === 'subject'
        ? '各学科与本校整体水平相称，没有明显拖后腿或特别突出的学科。'
        : '各题、各知识点的得分率与本校整体水平相称，没有超出偶然波动的短板或长项。',
    );
  for (const f of shown) out.push(findingSentence(f, items));
  const tentative = found.filter((f) => f.certainty === 'possible');
  if (tentative.length)
    out.push(
      `值得留意（${CERTAINTY_WORDS.possible}）：${tentative.map((f) => `${f.label}${f.kind === 'weakness' ? '偏低' : '偏高'}`).join('；')}。`,
    );
  return out;
}
