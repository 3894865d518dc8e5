// The tables this feature owns: only its repositories write them (tools/check-architecture.mjs, rule "owner").
import { ExamCandidatePlan } from './exam-candidate-plan.entity.js';
import { ExamCandidate } from './exam-candidate.entity.js';
import { ExamRoom } from './exam-room.entity.js';
import { ExamViolation } from './exam-violation.entity.js';

export const CANDIDATES_ENTITIES = [ExamCandidate, ExamRoom, ExamCandidatePlan, ExamViolation];
