// The tables this feature owns: only its repositories write them (tools/check-architecture.mjs, rule "owner").
import { SuggestionVersion } from './suggestion-version.entity.js';
import { Suggestion } from './suggestion.entity.js';

export const SUGGESTIONS_ENTITIES = [Suggestion, SuggestionVersion];
