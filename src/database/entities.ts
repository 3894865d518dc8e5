import { Alliance } from '../org/entities/alliance.entity.js';
import { School } from '../org/entities/school.entity.js';
import { SchoolClass } from '../org/entities/school-class.entity.js';
import { Student } from '../org/entities/student.entity.js';
import { User } from '../auth/entities/user.entity.js';
import { UserRole } from '../auth/entities/user-role.entity.js';
import { Exam } from '../exams/entities/exam.entity.js';
import { Paper } from '../exams/entities/paper.entity.js';
import { Item } from '../exams/entities/item.entity.js';
import { KnowledgePoint } from '../exams/entities/knowledge-point.entity.js';
import { ScanBatch } from '../scans/entities/scan-batch.entity.js';
import { ScannedPage } from '../scans/entities/scanned-page.entity.js';
import { ObjectiveResponse } from '../scans/entities/objective-response.entity.js';
import { AnswerSnippet } from '../scans/entities/answer-snippet.entity.js';
import { MarkingTask } from '../marking/entities/marking-task.entity.js';
import { MarkEvent } from '../marking/entities/mark-event.entity.js';
import {
  ItemQcSetting,
  MarkerAssignment,
  MarkerItemState,
  MarkSupersession,
  ReferenceAnswer,
} from '../marking/entities/qc.entities.js';
import { FinalItemScore } from '../results/entities/final-item-score.entity.js';
import { StudentResult } from '../results/entities/student-result.entity.js';
import { ExamAnalysis } from '../results/entities/exam-analysis.entity.js';
import { Report } from '../reports/entities/report.entity.js';
import { AuditLog } from '../common/entities/audit-log.entity.js';
import { OmrReview } from '../scans/entities/omr-review.entity.js';
import { ExamAbsence } from '../scans/entities/exam-absence.entity.js';

export const ENTITIES = [
  Alliance,
  School,
  SchoolClass,
  Student,
  User,
  UserRole,
  Exam,
  Paper,
  Item,
  ScanBatch,
  ScannedPage,
  ObjectiveResponse,
  AnswerSnippet,
  MarkingTask,
  MarkEvent,
  FinalItemScore,
  StudentResult,
  ExamAnalysis,
  Report,
  AuditLog,
  MarkSupersession,
  MarkerAssignment,
  MarkerItemState,
  ItemQcSetting,
  ReferenceAnswer,
  KnowledgePoint,
  OmrReview,
  ExamAbsence,
];
