// Request bodies of the exam routes. Services validate every field (domain/) and answer in Chinese.
import type { ExamInput } from '../domain/exam-settings.js';
import type { PaperInput } from '../domain/paper-validation.js';

export type CreateExamBody = ExamInput;
export type CreatePaperBody = PaperInput;
