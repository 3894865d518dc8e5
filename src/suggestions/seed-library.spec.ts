import { planImport } from './domain/import-plan.js';
import { FINDING_KINDS } from './domain/kinds.js';
import { matchSuggestions } from './domain/match.js';
import { SEED_LIBRARY, seedLibraryRows } from './seed-library.js';

describe('the seed library', () => {
  const plan = planImport(seedLibraryRows(), [], () => true);

  it('passes the import checks as a whole', () => {
    expect(plan.errors).toEqual([]);
    expect(plan.plan!.added).toHaveLength(SEED_LIBRARY.length);
  });

  it('has a generic text for every kind of finding, and a 数学 text for each knowledge point of the demo paper', () => {
    const entries = plan.plan!.added.map((a, i) => ({ ...a.fields, id: i + 1, version: 1, versionId: i + 1 }));
    for (const kind of Object.keys(FINDING_KINDS))
      expect([
        kind,
        matchSuggestions({ kind, subject: null, knowledgePoint: null, cognitiveLevel: null }, entries).length,
      ]).toEqual([kind, 1]);
    for (const kp of ['有理数的运算', '一元一次方程', '整式的加减', '几何图形初步'])
      expect(
        matchSuggestions({ kind: 'weak_kp', subject: '数学', knowledgePoint: kp, cognitiveLevel: '理解' }, entries)[0]
          .specificity,
      ).toBe('subject_kp');
  });
});
