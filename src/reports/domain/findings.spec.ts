import { analysePaper } from '../../results/domain/exam-analysis.js';
import { L, M, S, sampleInput } from '../../results/domain/__fixtures__/sample-analysis.js';
import { principalView } from '../../results/domain/principal-view.js';
import type { Finding } from './expectation.js';
import { findingLines, findingSentence, itemName, paperFindings, schoolNotes } from './findings.js';

const base: Finding = {
  kind: 'weakness',
  target: 'knowledge_point',
  subject: '数学',
  knowledgePoint: '函数',
  cognitiveLevel: null,
  itemIds: [7, 8],
  label: '知识点“函数”',
  schoolRate: 0.41,
  expectedRate: 0.58,
  allianceRate: 0.62,
  points: 2.04,
  z: -3.1,
  certainty: 'certain',
};
const items = new Map(
  [7, 8].map((id) => [id, { itemId: id, seq: id, label: String(id), maxScore: 6, knowledgePoints: ['函数'] }]),
);

describe('itemName', () => {
  it.each([
    [{ label: '6', type: 'single_choice' }, '第6题（单选题）'],
    [{ label: '17(1)', type: 'subjective' }, '第17(1)题（主观题）'],
    [{ label: '3' }, '第3题'],
  ])('%j → %s', (it, name) => expect(itemName(it)).toBe(name));
});

describe('findingSentence', () => {
  it('says the school, its own expectation, the alliance, the points and how sure, in whole numbers', () => {
    expect(findingSentence(base, items)).toBe(
      '数学知识点“函数”（第7、8题）：本校得分率41%，按本校整体水平预期58%（联盟62%），低于预期，平均每名学生少得2分（很有把握）。',
    );
  });

  it('says 整体偏低 as one finding about the whole paper', () => {
    const f: Finding = {
      ...base,
      kind: 'overall_low',
      target: 'overall',
      label: '整体偏低',
      points: 11.2,
      certainty: 'likely',
    };
    expect(findingSentence(f, items)).toContain('数学整体偏低：本校各部分普遍低于联盟，平均分低11.2分');
    expect(findingSentence(f, items)).toContain('并非个别题目的问题');
    expect(findingSentence(f, items)).toContain('（比较有把握）');
  });
});

describe('schoolNotes and findingLines', () => {
  const data = analysePaper(sampleInput());
  const view = (id: number) => principalView(data, [id]);

  it('a suppressed school gets the suppression note and nothing else', () => {
    const v = view(S);
    const lines = findingLines(v.ownSchools[0], [], new Map(), 'item');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('不公布本校的统计数据');
  });

  it('a small school is warned, absentees and unfinished students are counted out loud', () => {
    expect(schoolNotes(view(L).ownSchools[0]).join('')).toContain('小样本提示：本校计入统计的学生只有6人');
    expect(schoolNotes(view(L).ownSchools[0]).join('')).toContain('本校有1人缺考');
    expect(schoolNotes(view(M).ownSchools[0]).join('')).toContain('1人成绩尚未评完');
  });

  it('says 未扫描 apart from 缺考, and a school that scanned nothing is not called absent', () => {
    const none = { n: 0, suppressed: true, unreliable: false, absent: 0, incomplete: 0, unscanned: 52 };
    const text = schoolNotes(none).join('');
    expect(text).toContain('本校有52人未扫描（既无答题卡也未登记缺考），未计入统计');
    expect(text).not.toContain('缺考5');
    expect(schoolNotes({ ...none, absent: 1, unscanned: 32 }).join('')).toContain('本校有1人缺考、32人未扫描');
  });

  it('six students against fifteen are no ground for a certain finding; the lines say nothing stands out', () => {
    const v = view(L);
    const found = paperFindings('数学', 30, data.items, v.ownSchools[0], v.alliance);
    expect(found.filter((f) => f.certainty === 'certain')).toEqual([]);
    const lines = findingLines(
      v.ownSchools[0],
      found.filter((f) => f.kind !== 'overall_high'),
      new Map(),
      'item',
    );
    expect(lines.join('')).toMatch(/没有超出偶然波动的短板或长项|高于预期|低于预期/);
  });
});
