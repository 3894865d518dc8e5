import type { SuggestionFields } from '../domain/suggestion-fields.js';

/** A suggestion as the page lists it: its current version, who wrote that version and when. */
export interface SuggestionView extends SuggestionFields {
  id: number;
  version: number;
  versionId: number;
  retired: boolean;
  author: string;
  updatedAt: Date;
}

/** Body of add (POST /api/alliances/:id/suggestions) and edit (PATCH /api/suggestions/:id, with baseVersion). */
export interface SuggestionBody {
  subject?: unknown;
  kind?: unknown;
  knowledgePoint?: unknown;
  cognitiveLevel?: unknown;
  text?: unknown;
  /** Edit: the version the person edited; another change since then is a conflict (409). */
  baseVersion?: unknown;
}
