// The repositories this feature owns, for the data module (src/data.module.ts): every feature may call them.
import { SuggestionRepository } from './suggestion.repository.js';

export const SUGGESTIONS_REPOSITORIES = [SuggestionRepository];
