// The repositories this feature owns, for the data module (src/data.module.ts): every feature may call them.
import { ExamAccess } from './exam-access.js';
import { ExamRepository } from './exam.repository.js';
import { ExamSubjectRepository } from './exam-subject.repository.js';
import { ItemRepository } from './item.repository.js';
import { KnowledgePointRepository } from './knowledge-point.repository.js';
import { PaperRepository } from './paper.repository.js';

export const EXAMS_REPOSITORIES = [
  ExamRepository,
  PaperRepository,
  ItemRepository,
  KnowledgePointRepository,
  ExamAccess,
  ExamSubjectRepository,
];
