import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OBJECTIVE_TYPES } from '../exams/entities/item.entity.js';
import { ARBITRATION_ROUND } from './domain/answer-state.js';

/** Answers every round of which is marked (no live task open) that have no final score: the lead's to settle. */
const AWAITING_LEAD = `EXISTS (SELECT 1 FROM marking_task t WHERE t.snippet_id = s.id AND t.kind = 'live')
      AND NOT EXISTS (SELECT 1 FROM marking_task t WHERE t.snippet_id = s.id AND t.kind = 'live' AND t.status IN ('pending', 'leased'))
      AND NOT EXISTS (SELECT 1 FROM final_item_score f WHERE f.student_id = s.student_id AND f.item_id = s.item_id)`;

const progress = (filter: string) =>
  `SELECT i.id, i.label, i.max_score, i.marking_mode, p.subject,
    (SELECT COUNT(*) FROM answer_snippet s WHERE s.item_id = i.id) AS snippets,
    (SELECT COUNT(*) FROM answer_snippet s WHERE s.item_id = i.id
      AND EXISTS (SELECT 1 FROM final_item_score f WHERE f.student_id = s.student_id AND f.item_id = s.item_id)) AS finals,
    (SELECT COUNT(*) FROM answer_snippet s WHERE s.item_id = i.id
      AND ${AWAITING_LEAD}) AS awaiting_lead,
    (SELECT COUNT(*) FROM marking_task t WHERE t.item_id = i.id AND t.kind = 'live' AND t.round < ${ARBITRATION_ROUND}
      AND (t.status = 'pending' OR (t.status = 'leased' AND t.lease_expires_at <= ?))) AS pending,
    (SELECT COUNT(*) FROM marking_task t WHERE t.item_id = i.id AND t.kind = 'live' AND t.status = 'leased' AND t.lease_expires_at > ?) AS leased,
    (SELECT COUNT(*) FROM marking_task t WHERE t.item_id = i.id AND t.kind = 'live' AND t.round < ${ARBITRATION_ROUND} AND t.status = 'done') AS done,
    (SELECT COUNT(*) FROM mark_event m WHERE m.item_id = i.id AND m.marker_id = ? AND m.round < ${ARBITRATION_ROUND}) AS mine
  FROM item i JOIN paper p ON p.id = i.paper_id
  WHERE p.exam_id = ? AND i.type NOT IN (?)${filter}
  ORDER BY p.subject, i.seq`;

const awaitingLead = (filter: string) =>
  `SELECT s.id, s.token, s.item_id FROM answer_snippet s JOIN item i ON i.id = s.item_id JOIN paper p ON p.id = i.paper_id
  WHERE s.exam_id = ?${filter}
    AND ${AWAITING_LEAD}
  ORDER BY s.item_id, s.id LIMIT 500`;

/** The statements, checked in as text (queries/marking-overview.repository.sql): a change shows in review. */
export const SQL = {
  progress: progress(''),
  progressOfSubjects: progress(' AND p.subject IN (?)'),
  awaitingLead: awaitingLead(''),
  awaitingLeadOfSubjects: awaitingLead(' AND p.subject IN (?)'),
  examCounts: `SELECT
    (SELECT COUNT(*) FROM marking_task WHERE exam_id = ? AND kind = 'live' AND status IN ('pending', 'leased')) AS open_tasks,
    (SELECT COUNT(*) FROM answer_snippet s WHERE s.exam_id = ?
      AND NOT EXISTS (SELECT 1 FROM final_item_score f WHERE f.student_id = s.student_id AND f.item_id = s.item_id)) AS unresolved,
    (SELECT COUNT(*) FROM answer_snippet WHERE exam_id = ?) AS snippets`,
  thirdRounds: `SELECT DISTINCT snippet_id FROM marking_task WHERE item_id = ? AND kind = 'live' AND round = 3 AND status <> 'void'`,
  arbitrated: `SELECT DISTINCT snippet_id FROM marking_task WHERE item_id = ? AND round = ${ARBITRATION_ROUND}`,
};

/** Subjects a view is limited to, or every subject. */
export type SubjectScope = string[] | 'all';

/** An item's marking progress as the progress query reads it (raw row: numbers may come back as strings). */
export type ProgressRow = Record<string, unknown>;

/** The subject lead's and the markers' read-only views over marking's tables: progress, queues, outcomes. */
@Injectable()
export class MarkingOverviewRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  /** Per subjective item of the exam: answers, final scores, answers awaiting the lead, tasks, and the caller's marks. */
  progress(examId: number, subjects: SubjectScope, markerId: number, now: Date): Promise<ProgressRow[]> {
    const params = [now, now, markerId, examId, [...OBJECTIVE_TYPES]];
    return subjects === 'all'
      ? this.ds.query(SQL.progress, params)
      : this.ds.query(SQL.progressOfSubjects, [...params, subjects]);
  }

  /** Answers waiting for the lead (at most 500), by item. */
  awaitingLead(examId: number, subjects: SubjectScope): Promise<{ id: number; token: string; item_id: number }[]> {
    return subjects === 'all'
      ? this.ds.query(SQL.awaitingLead, [examId])
      : this.ds.query(SQL.awaitingLeadOfSubjects, [examId, subjects]);
  }

  /** Whether every answer of the exam has a final score and no live task is open (and there are answers at all). */
  async examSettled(examId: number): Promise<boolean> {
    const [row]: Record<string, string | number>[] = await this.ds.query(SQL.examCounts, [examId, examId, examId]);
    return Number(row.open_tasks) === 0 && Number(row.unresolved) === 0 && Number(row.snippets) !== 0;
  }

  /** Answers of the exam still without a final score, and all its answers (exam state, release gate). */
  async answerCounts(examId: number): Promise<{ unresolved: number; snippets: number; openTasks: number }> {
    const [row]: Record<string, string | number>[] = await this.ds.query(SQL.examCounts, [examId, examId, examId]);
    return { unresolved: Number(row.unresolved), snippets: Number(row.snippets), openTasks: Number(row.open_tasks) };
  }

  /** Answers of the item that needed a third round. */
  async thirdRounds(itemId: number): Promise<Set<number>> {
    const rows: { snippet_id: number }[] = await this.ds.query(SQL.thirdRounds, [itemId]);
    return new Set(rows.map((r) => Number(r.snippet_id)));
  }

  /** Answers of the item that the lead arbitrated. */
  async arbitrated(itemId: number): Promise<Set<number>> {
    const rows: { snippet_id: number }[] = await this.ds.query(SQL.arbitrated, [itemId]);
    return new Set(rows.map((r) => Number(r.snippet_id)));
  }
}
