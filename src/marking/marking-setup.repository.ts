import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Role } from '../common/role.js';
import { OBJECTIVE_TYPES } from '../exams/entities/item.entity.js';
import { ARBITRATION_ROUND } from './domain/answer-state.js';

/** Open live rounds: pending, or leased and lapsed (they go back to the pool). */
const OPEN = `(t.status = 'pending' OR (t.status = 'leased' AND t.lease_expires_at <= ?))`;
/** The marker holds or held another round of the task's answer: it may not take this one. */
const MINE = `EXISTS (SELECT 1 FROM marking_task o WHERE o.snippet_id = t.snippet_id AND o.id <> t.id AND o.kind = 'live'
      AND o.leased_by = ? AND o.status IN ('leased', 'done'))`;

/** The statements, checked in as text (queries/marking-setup.repository.sql): a change shows in review. */
export const SQL = {
  // Per subjective item of the exam: answers, live tasks made, those open, marks given (any kind).
  activity: `SELECT i.id,
    (SELECT COUNT(*) FROM answer_snippet s WHERE s.item_id = i.id) AS answers,
    (SELECT COUNT(*) FROM marking_task t WHERE t.item_id = i.id AND t.kind = 'live') AS tasks,
    (SELECT COUNT(*) FROM marking_task t WHERE t.item_id = i.id AND t.kind = 'live' AND t.round < ${ARBITRATION_ROUND}
      AND t.status IN ('pending', 'leased')) AS open_tasks,
    (SELECT COUNT(*) FROM mark_event m WHERE m.item_id = i.id) AS marks
  FROM item i JOIN paper p ON p.id = i.paper_id
  WHERE p.exam_id = ? AND i.type NOT IN (?)
  ORDER BY p.subject, i.seq`,
  assignmentsOfExam: `SELECT a.item_id, a.marker_id FROM marker_assignment a JOIN item i ON i.id = a.item_id
    JOIN paper p ON p.id = i.paper_id WHERE p.exam_id = ? ORDER BY a.item_id, a.marker_id`,
  // Active users who mark in the alliance, with the subject they mark (null: every subject).
  markersOfAlliance: `SELECT u.id, u.display_name, r.subject FROM user_role r JOIN user u ON u.id = r.user_id
    WHERE r.role = ? AND r.alliance_id = ? AND u.active = 1 ORDER BY u.id`,
  // Why a marker has nothing to take: per item, the open rounds it may take, those it may not, those others hold.
  openRounds: `SELECT t.item_id,
    SUM(${OPEN} AND NOT ${MINE}) AS open_for_me,
    SUM(${OPEN} AND ${MINE}) AS open_for_others,
    SUM(t.status = 'leased' AND t.lease_expires_at > ? AND t.leased_by <> ?) AS leased_by_others
  FROM marking_task t WHERE t.item_id IN (?) AND t.kind = 'live' AND t.round < ${ARBITRATION_ROUND}
  GROUP BY t.item_id`,
  answersOf: 'SELECT item_id, COUNT(*) AS n FROM answer_snippet WHERE item_id IN (?) GROUP BY item_id',
  trialTasksOf: `SELECT item_id, COUNT(*) AS n, SUM(status = 'done') AS done FROM marking_task
    WHERE qc_for = ? AND kind = 'trial' AND item_id IN (?) GROUP BY item_id`,
  // A sample of the item's answers for the lead to choose trial answers and seeds from, spread over the pool.
  markedToday:
    'SELECT item_id, COUNT(*) AS n FROM mark_event WHERE marker_id = ? AND item_id IN (?) AND created_at >= ? GROUP BY item_id',
  answerSample: `SELECT s.id, s.token FROM answer_snippet s WHERE s.item_id = ? ORDER BY s.id LIMIT ?`,
};

export interface ItemActivityRow {
  itemId: number;
  answers: number;
  tasks: number;
  openTasks: number;
  marks: number;
}

export interface OpenRounds {
  openForMe: number;
  openForOthers: number;
  leasedByOthers: number;
}

const num = (v: unknown) => Number(v ?? 0);

/** Marking set-up's read-only views over marking's tables (and the items, answers and markers it reads). */
@Injectable()
export class MarkingSetupRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  async activity(examId: number): Promise<ItemActivityRow[]> {
    const rows: Record<string, unknown>[] = await this.ds.query(SQL.activity, [examId, [...OBJECTIVE_TYPES]]);
    return rows.map((r) => ({
      itemId: num(r.id),
      answers: num(r.answers),
      tasks: num(r.tasks),
      openTasks: num(r.open_tasks),
      marks: num(r.marks),
    }));
  }

  async assignmentsOfExam(examId: number): Promise<{ itemId: number; markerId: number }[]> {
    const rows: Record<string, unknown>[] = await this.ds.query(SQL.assignmentsOfExam, [examId]);
    return rows.map((r) => ({ itemId: num(r.item_id), markerId: num(r.marker_id) }));
  }

  async markersOfAlliance(allianceId: number): Promise<{ id: number; displayName: string; subject: string | null }[]> {
    const rows: Record<string, unknown>[] = await this.ds.query(SQL.markersOfAlliance, [Role.Marker, allianceId]);
    return rows.map((r) => ({
      id: num(r.id),
      displayName: String(r.display_name),
      subject: r.subject === null ? null : String(r.subject),
    }));
  }

  async openRounds(markerId: number, itemIds: number[], now: Date): Promise<Map<number, OpenRounds>> {
    if (!itemIds.length) return new Map();
    const rows: Record<string, unknown>[] = await this.ds.query(SQL.openRounds, [
      now,
      markerId,
      now,
      markerId,
      now,
      markerId,
      itemIds,
    ]);
    return new Map(
      rows.map((r) => [
        num(r.item_id),
        {
          openForMe: num(r.open_for_me),
          openForOthers: num(r.open_for_others),
          leasedByOthers: num(r.leased_by_others),
        },
      ]),
    );
  }

  async answersOf(itemIds: number[]): Promise<Map<number, number>> {
    if (!itemIds.length) return new Map();
    const rows: Record<string, unknown>[] = await this.ds.query(SQL.answersOf, [itemIds]);
    return new Map(rows.map((r) => [num(r.item_id), num(r.n)]));
  }

  /** The marker's trial tasks per item: given, and marked. */
  async trialTasksOf(markerId: number, itemIds: number[]): Promise<Map<number, { given: number; done: number }>> {
    if (!itemIds.length) return new Map();
    const rows: Record<string, unknown>[] = await this.ds.query(SQL.trialTasksOf, [markerId, itemIds]);
    return new Map(rows.map((r) => [num(r.item_id), { given: num(r.n), done: num(r.done) }]));
  }

  async answerSample(itemId: number, limit: number): Promise<{ id: number; token: string }[]> {
    const rows: Record<string, unknown>[] = await this.ds.query(SQL.answerSample, [itemId, limit]);
    return rows.map((r) => ({ id: num(r.id), token: String(r.token) }));
  }

  /** The marker's marks per item since the start of the day (what the daily cap counts). */
  async markedToday(markerId: number, itemIds: number[], since: Date): Promise<Map<number, number>> {
    if (!itemIds.length) return new Map();
    const rows: Record<string, unknown>[] = await this.ds.query(SQL.markedToday, [markerId, itemIds, since]);
    return new Map(rows.map((r) => [num(r.item_id), num(r.n)]));
  }
}
