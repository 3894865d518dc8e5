// 补短板措施: the subject group's suggestions (the alliance's library) attached to what page 1 asks the school to
// work on: each lever (临界生, a weak knowledge point, level or item, a lagging subject) and an overall lag. Pure: the
// levers and findings of the report and the library's current entries in, the measures with the exact suggestion
// versions they print out, so the report can record which texts it used.
import { matchSuggestions, type FindingKey, type LibraryEntry } from '../../suggestions/domain/match.js';
import type { Finding } from './expectation.js';
import type { LeverKey } from './verdict.js';

/** At most this many suggestions under one lever: a principal reads two, not ten. */
export const SUGGESTIONS_PER_MEASURE = 2;

export interface Measure {
  /** The lever or finding in words, as page 1 says it. */
  about: string;
  suggestions: { text: string; versionId: number }[];
}

export interface Measures {
  measures: Measure[];
  /** Every suggestion version printed, for the report's record. */
  versionIds: number[];
}

function overallKeys(findings: readonly Finding[]): (FindingKey & { about: string })[] {
  return findings
    .filter((f) => f.kind === 'overall_low' && f.certainty !== 'possible')
    .map((f) => ({
      kind: 'uniformly_lower',
      subject: f.subject,
      knowledgePoint: null,
      cognitiveLevel: null,
      about: `${f.subject}整体偏低`,
    }));
}

export function measuresFor(
  levers: readonly (LeverKey & { about: string })[],
  findings: readonly Finding[],
  library: readonly LibraryEntry[],
): Measures {
  const measures: Measure[] = [];
  const used = new Set<number>();
  for (const key of [...overallKeys(findings), ...levers]) {
    // A text already printed under an earlier lever is not printed again (the generic ones fit many levers).
    const matched = matchSuggestions(key, library)
      .filter((m) => !used.has(m.entry.versionId))
      .slice(0, SUGGESTIONS_PER_MEASURE);
    if (!matched.length) continue;
    const suggestions = matched.map((m) => ({ text: m.entry.text, versionId: m.entry.versionId }));
    suggestions.forEach((x) => used.add(x.versionId));
    measures.push({ about: key.about, suggestions });
  }
  return { measures, versionIds: [...used].sort((a, b) => a - b) };
}
