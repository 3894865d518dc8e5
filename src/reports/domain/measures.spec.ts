import type { LibraryEntry } from '../../suggestions/domain/match.js';
import type { Finding } from './expectation.js';
import { measuresFor } from './measures.js';

let next = 1;
const entry = (e: Partial<LibraryEntry> & { text: string }): LibraryEntry => ({
  id: next,
  version: 1,
  versionId: 100 + next++,
  subject: null,
  kind: null,
  knowledgePoint: null,
  cognitiveLevel: null,
  ...e,
});

const library: LibraryEntry[] = [
  entry({ subject: '数学', knowledgePoint: '一元一次方程', text: '方程：每天5分钟移项训练' }),
  entry({
    subject: '数学',
    knowledgePoint: '一元一次方程',
    cognitiveLevel: '运用',
    text: '方程应用题：列表找等量关系',
  }),
  entry({ kind: 'near_pass', text: '临界生：一生一案，每周面批' }),
  entry({ kind: 'uniformly_lower', text: '整体偏低：先抓课堂常规和基础题' }),
  entry({ kind: 'weak_item', text: '逐题讲评：错因归类' }),
];

const lowFinding = (certainty: Finding['certainty']): Finding => ({
  kind: 'overall_low',
  target: 'overall',
  subject: '数学',
  knowledgePoint: null,
  cognitiveLevel: null,
  itemIds: [],
  label: '数学',
  schoolRate: 0.5,
  expectedRate: 0.6,
  allianceRate: 0.6,
  points: 10,
  z: -4,
  certainty,
});

describe('measuresFor', () => {
  it('gives each lever the most specific suggestions, at most two, and records the versions printed', () => {
    const m = measuresFor(
      [
        { kind: 'near_pass', subject: '数学', knowledgePoint: null, cognitiveLevel: null, about: '及格线下8名临界生' },
        { kind: 'weak_kp', subject: '数学', knowledgePoint: '一元一次方程', cognitiveLevel: '运用', about: '补方程' },
      ],
      [],
      library,
    );
    expect(m.measures).toEqual([
      { about: '及格线下8名临界生', suggestions: [{ text: '临界生：一生一案，每周面批', versionId: 103 }] },
      {
        about: '补方程',
        suggestions: [
          { text: '方程应用题：列表找等量关系', versionId: 102 },
          { text: '方程：每天5分钟移项训练', versionId: 101 },
        ],
      },
    ]);
    expect(m.versionIds).toEqual([101, 102, 103]);
  });

  it('puts an overall lag first, and only when it is not a mere hint', () => {
    expect(measuresFor([], [lowFinding('certain')], library).measures[0]).toEqual({
      about: '数学整体偏低',
      suggestions: [{ text: '整体偏低：先抓课堂常规和基础题', versionId: 104 }],
    });
    expect(measuresFor([], [lowFinding('possible')], library).measures).toEqual([]);
  });

  it('leaves out a lever the library has nothing for', () => {
    const m = measuresFor(
      [{ kind: 'near_excellent', subject: '数学', knowledgePoint: null, cognitiveLevel: null, about: '优秀线' }],
      [],
      library,
    );
    expect(m).toEqual({ measures: [], versionIds: [] });
  });

  it('prints a text once: a lever whose only suggestion was printed under an earlier one is left out', () => {
    const total = { ...lowFinding('certain'), subject: '总分', label: '总分' };
    const m = measuresFor([], [lowFinding('certain'), total], library);
    expect(m.measures.map((x) => x.about)).toEqual(['数学整体偏低']);
    expect(m.versionIds).toEqual([104]);
  });
});
