// Request bodies of the exam routes. Services validate every field (domain/) and answer in Chinese.
import type { ExamInput } from '../domain/exam-settings.js';
import type { PaperInput } from '../domain/paper-validation.js';

/** releaseAt: when the paper PDFs stop being confidential (see domain/release-time.ts). */
/** priorExamId: the same cohort's previous exam (纵看, value-added); same alliance. */
export type CreateExamBody = ExamInput & { releaseAt?: unknown; priorExamId?: unknown };
export type CreatePaperBody = PaperInput;
