import { knowledgePointDistance, matchSuggestions, type FindingKey, type LibraryEntry } from './match.js';

let nextId = 1;
function entry(e: Partial<LibraryEntry> & { text: string }): LibraryEntry {
  const id = e.id ?? nextId++;
  return {
    subject: null,
    kind: null,
    knowledgePoint: null,
    cognitiveLevel: null,
    version: 1,
    versionId: 100 + id,
    ...e,
    id,
  };
}

// A small library with one entry at each level of specificity, and some that must never fit.
const LIB: LibraryEntry[] = [
  entry({ id: 1, kind: 'weak_kp', text: '通用：薄弱知识点' }),
  entry({ id: 2, subject: '数学', kind: 'weak_kp', text: '数学：薄弱知识点' }),
  entry({ id: 3, subject: '数学', knowledgePoint: '数与代数/一元一次方程', text: '方程' }),
  entry({ id: 4, subject: '数学', knowledgePoint: '数与代数/一元一次方程', cognitiveLevel: '运用', text: '方程·运用' }),
  entry({ id: 5, subject: '数学', cognitiveLevel: '运用', text: '数学·运用' }),
  entry({ id: 6, subject: '语文', knowledgePoint: '数与代数/一元一次方程', text: '语文的同名知识点' }),
  entry({ id: 7, subject: '数学', kind: 'near_pass', text: '数学：及格临界生' }),
  entry({ id: 8, kind: 'near_pass', text: '通用：及格临界生' }),
  entry({ id: 9, subject: '数学', knowledgePoint: '数与代数', text: '数与代数（上位）' }),
  entry({
    id: 10,
    subject: '数学',
    kind: 'typical_error',
    knowledgePoint: '数与代数/一元一次方程',
    text: '方程·典型错误',
  }),
  entry({ id: 11, subject: '数学', knowledgePoint: '整式的加减', text: '整式（只写名称）' }),
];

const key = (k: Partial<FindingKey>): FindingKey => ({
  kind: 'weak_kp',
  subject: '数学',
  knowledgePoint: null,
  cognitiveLevel: null,
  ...k,
});
const ids = (f: FindingKey, limit?: number) => matchSuggestions(f, LIB, limit).map((m) => m.entry.id);

describe('matchSuggestions: most specific first', () => {
  it.each<[string, Partial<FindingKey>, number[]]>([
    [
      'KP and level: KP+level, KP, level, ancestor KP, subject kind, generic kind',
      { knowledgePoint: '数与代数/一元一次方程', cognitiveLevel: '运用' },
      [4, 3, 9, 5, 2, 1],
    ],
    ['KP without level: the level-bound entries drop out', { knowledgePoint: '数与代数/一元一次方程' }, [3, 9, 2, 1]],
    ['another level of the same KP', { knowledgePoint: '数与代数/一元一次方程', cognitiveLevel: '了解' }, [3, 9, 2, 1]],
    [
      'typical error on the KP: the entry written for that kind first within its tier',
      { kind: 'typical_error', knowledgePoint: '数与代数/一元一次方程' },
      [10, 3, 9],
    ],
    ['a KP the library does not know: subject kind, then generic', { knowledgePoint: '统计与概率/众数' }, [2, 1]],
    ['a bare KP name finds the entry written as a path', { knowledgePoint: '一元一次方程' }, [3, 2, 1]],
    ['a path finds the entry written as a bare name', { knowledgePoint: '数与代数/整式的加减' }, [11, 9, 2, 1]],
    ['a level finding with no KP', { kind: 'weak_level', cognitiveLevel: '运用' }, [5]],
    ['near-pass: subject text before the generic one; no KP entries', { kind: 'near_pass' }, [7, 8]],
    ['another subject: only the generic text', { subject: '物理', knowledgePoint: '数与代数/一元一次方程' }, [1]],
    ['a whole-school finding (no subject): only generic texts', { kind: 'near_pass', subject: null }, [8]],
    ['a kind nobody wrote for', { kind: 'class_gap' }, []],
  ])('%s', (_name, k, expected) => {
    expect(ids(key(k))).toEqual(expected);
  });

  it('names the tier of each match and honours the limit', () => {
    const f = key({ knowledgePoint: '数与代数/一元一次方程', cognitiveLevel: '运用' });
    expect(matchSuggestions(f, LIB).map((m) => m.specificity)).toEqual([
      'subject_kp_level',
      'subject_kp',
      'subject_kp',
      'subject_level',
      'subject_kind',
      'generic_kind',
    ]);
    expect(ids(f, 2)).toEqual([4, 3]);
    expect(matchSuggestions(f, LIB, 1)[0].entry).toMatchObject({ id: 4, versionId: 104, version: 1 });
  });

  it('breaks ties by age (the older suggestion first), whatever the library order', () => {
    const lib = [
      entry({ id: 21, subject: '数学', kind: 'weak_kp', text: 'b' }),
      entry({ id: 20, subject: '数学', kind: 'weak_kp', text: 'a' }),
    ];
    expect(matchSuggestions(key({}), lib).map((m) => m.entry.id)).toEqual([20, 21]);
  });

  it('an empty library fits nothing', () => {
    expect(matchSuggestions(key({ knowledgePoint: 'x' }), [])).toEqual([]);
  });
});

describe('knowledgePointDistance', () => {
  it.each<[string, string, number | null]>([
    ['数与代数/方程', '数与代数/方程', 0],
    ['方程', '数与代数/方程', 1],
    ['数与代数/方程', '方程', 1],
    ['数与代数', '数与代数/方程', 2],
    ['数与代数', '数与代数/方程/一元一次方程', 3],
    ['数与代数/方程', '数与代数', null],
    ['数与代数/方程', '图形与几何/方程', null],
    ['代数', '数与代数/方程', null],
  ])('%s → %s: %s', (s, f, d) => {
    expect(knowledgePointDistance(s, f)).toBe(d);
  });
});
