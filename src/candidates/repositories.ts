// The repositories this feature owns, for the data module (src/data.module.ts): every feature may call them.
import { CandidateRepository } from './candidate.repository.js';
import { ExamRoomRepository } from './exam-room.repository.js';
import { ExamViolationRepository } from './exam-violation.repository.js';

export const CANDIDATES_REPOSITORIES = [CandidateRepository, ExamRoomRepository, ExamViolationRepository];
