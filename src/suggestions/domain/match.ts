// Which suggestions of the library fit a finding of a school report, most specific first. Pure.
//
// A suggestion fits when every key field it names equals the finding's: its subject, its kind, its knowledge point
// (the same path; or the same leaf name when one side names only the point; or an ancestor of the finding's point),
// its cognitive level. Fields it leaves empty fit anything. The order is the subject group's intent: what they wrote
// for this knowledge point at this level beats what they wrote for the point, which beats what they wrote for the
// level, then for the kind of finding in the subject, then the generic text for the kind.
import { KP_SEPARATOR } from '../../exams/domain/item-fields.js';
import type { SuggestionFields } from './suggestion-fields.js';

/** What a report knows about one finding. */
export interface FindingKey {
  kind: string;
  /** null for a finding about the school as a whole (all subjects): only generic suggestions fit. */
  subject: string | null;
  knowledgePoint: string | null;
  cognitiveLevel: string | null;
}

/** One current suggestion of the library, with the version the report records when it prints it. */
export interface LibraryEntry extends SuggestionFields {
  id: number;
  version: number;
  /** The version row's id: unique in the alliance's library, so a report can name exactly the text it used. */
  versionId: number;
}

export type Specificity = 'subject_kp_level' | 'subject_kp' | 'subject_level' | 'subject_kind' | 'generic_kind';

/** Most specific first. */
export const SPECIFICITY_ORDER: readonly Specificity[] = [
  'subject_kp_level',
  'subject_kp',
  'subject_level',
  'subject_kind',
  'generic_kind',
];

export interface SuggestionMatch {
  entry: LibraryEntry;
  specificity: Specificity;
}

const segments = (kp: string) => kp.split(KP_SEPARATOR);

/**
 * How far the suggestion's knowledge point is from the finding's: 0 the same path, 1 the same leaf name (one side
 * names only the point), 1 + k an ancestor k levels up; null when it does not fit.
 */
export function knowledgePointDistance(suggestion: string, finding: string): number | null {
  if (suggestion === finding) return 0;
  const s = segments(suggestion);
  const f = segments(finding);
  if ((s.length === 1 || f.length === 1) && s[s.length - 1] === f[f.length - 1]) return 1;
  if (s.length < f.length && s.every((x, i) => x === f[i])) return 1 + f.length - s.length;
  return null;
}

function specificityOf(e: SuggestionFields): Specificity {
  if (e.knowledgePoint && e.cognitiveLevel) return 'subject_kp_level';
  if (e.knowledgePoint) return 'subject_kp';
  if (e.cognitiveLevel) return 'subject_level';
  return e.subject ? 'subject_kind' : 'generic_kind';
}

/** The rank of a fitting suggestion (smaller is better), or null when it does not fit the finding. */
function rankOf(e: LibraryEntry, f: FindingKey): number[] | null {
  if (e.kind !== null && e.kind !== f.kind) return null;
  if (e.subject !== null && e.subject !== f.subject) return null;
  if (e.cognitiveLevel !== null && e.cognitiveLevel !== f.cognitiveLevel) return null;
  let distance = 0;
  if (e.knowledgePoint !== null) {
    const d = f.knowledgePoint === null ? null : knowledgePointDistance(e.knowledgePoint, f.knowledgePoint);
    if (d === null) return null;
    distance = d;
  }
  // Tier, then the closer knowledge point, then one written for this kind over one for any kind, then the older.
  return [SPECIFICITY_ORDER.indexOf(specificityOf(e)), distance, e.kind === null ? 1 : 0, e.id];
}

const byRank = (a: number[], b: number[]) => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
};

/** The suggestions that fit the finding, most specific first; at most `limit` of them. */
export function matchSuggestions(
  finding: FindingKey,
  library: readonly LibraryEntry[],
  limit = Infinity,
): SuggestionMatch[] {
  const fits: { rank: number[]; match: SuggestionMatch }[] = [];
  for (const entry of library) {
    const rank = rankOf(entry, finding);
    if (rank) fits.push({ rank, match: { entry, specificity: specificityOf(entry) } });
  }
  return fits
    .sort((a, b) => byRank(a.rank, b.rank))
    .slice(0, limit)
    .map((x) => x.match);
}
