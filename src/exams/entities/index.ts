// The tables this feature owns: only its repositories write them (tools/check-architecture.mjs, rule "owner").
import { Exam } from './exam.entity.js';
import { ExamSubject } from './exam-subject.entity.js';
import { Item } from './item.entity.js';
import { KnowledgePoint } from './knowledge-point.entity.js';
import { Paper } from './paper.entity.js';

export const EXAMS_ENTITIES = [Exam, Paper, Item, KnowledgePoint, ExamSubject];
