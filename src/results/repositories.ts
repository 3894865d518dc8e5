// The repositories this feature owns, for the data module (src/data.module.ts): every feature may call them.
import { StudentResultRepository } from './student-result.repository.js';

export const RESULTS_REPOSITORIES = [StudentResultRepository];
