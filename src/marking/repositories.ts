// The repositories this feature owns, for the data module (src/data.module.ts): every feature may call them.
import { FinalScoreRepository } from './final-score.repository.js';
import { MarkingTaskRepository } from './marking-task.repository.js';

export const MARKING_REPOSITORIES = [MarkingTaskRepository, FinalScoreRepository];
