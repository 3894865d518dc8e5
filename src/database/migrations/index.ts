// Every migration, in order. A new migration is added here as well as in its own file.
import { CoreSchema1764000000000 } from './1764000000000-core-schema.js';
import { PaperWorkflow1764700000000 } from './1764700000000-paper-workflow.js';
import { MarkingQc1764800000000 } from './1764800000000-marking-qc.js';
import { OmrReview1764600000000 } from './1764600000000-omr-review.js';
import { ExamPriorLink1765200000000 } from './1765200000000-exam-prior-link.js';
import { MarkingHotPath1765330000000 } from './1765330000000-marking-hot-path.js';

export const MIGRATIONS: Function[] = [CoreSchema1764000000000, OmrReview1764600000000, PaperWorkflow1764700000000, MarkingQc1764800000000, ExamPriorLink1765200000000, MarkingHotPath1765330000000];
