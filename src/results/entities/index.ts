// The tables this feature owns: only its repositories write them (tools/check-architecture.mjs, rule "owner").
import { ExamAnalysis } from './exam-analysis.entity.js';
import { StudentResult } from './student-result.entity.js';

export const RESULTS_ENTITIES = [StudentResult, ExamAnalysis];
