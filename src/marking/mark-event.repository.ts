import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sqlOf, type Tx } from '../database/unit-of-work.js';
import { ARBITRATION_ROUND, type CountingMark } from './domain/answer-state.js';
import { MarkEvent } from './entities/mark-event.entity.js';

/** Superseded marks (回评 change, re-queued work) no longer count. */
const NOT_SUPERSEDED = 'NOT EXISTS (SELECT 1 FROM mark_supersession x WHERE x.mark_event_id = e.id)';

const recent = (filter: string) =>
  `SELECT e.id, e.item_id, e.score, e.problem, e.created_at, s.token, i.label, i.max_score, i.score_step,
    EXISTS (SELECT 1 FROM final_item_score f WHERE f.student_id = s.student_id AND f.item_id = s.item_id) AS final
  FROM mark_event e JOIN answer_snippet s ON s.id = e.snippet_id JOIN item i ON i.id = e.item_id
  WHERE e.marker_id = ? AND e.kind IN ('live', 'seed', 'self') AND e.round < ${ARBITRATION_ROUND}
    AND ${NOT_SUPERSEDED}${filter}
  ORDER BY e.id DESC LIMIT ?`;

/** The statements, checked in as text (queries/mark-event.repository.sql): a change shows in review. */
export const SQL = {
  insert: `INSERT INTO mark_event (exam_id, task_id, snippet_id, item_id, marker_id, round, score, problem, seconds_spent, client_id, kind, ref_event_id, agreed)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  idByClientId: 'SELECT id FROM mark_event WHERE client_id = ?',
  ofAnswer: `SELECT s.exam_id, s.student_id, s.item_id, e.id, e.round, e.score, e.problem, e.marker_id
    FROM answer_snippet s LEFT JOIN mark_event e ON e.snippet_id = s.id AND e.kind = 'live'
      AND ${NOT_SUPERSEDED}
    WHERE s.id = ? ORDER BY e.id`,
  markedToday:
    'SELECT item_id, COUNT(*) AS n FROM mark_event WHERE marker_id = ? AND item_id IN (?) AND created_at >= ? GROUP BY item_id',
  scoreOf: 'SELECT score, problem FROM mark_event WHERE id = ?',
  // 自评: the marker's own live marks, newest first, of answers not already given back to them.
  selfCandidates: `SELECT e.id, e.snippet_id FROM mark_event e
    WHERE e.marker_id = ? AND e.item_id = ? AND e.kind = 'live' AND e.round < ${ARBITRATION_ROUND}
      AND ${NOT_SUPERSEDED}
      AND NOT EXISTS (SELECT 1 FROM marking_task o WHERE o.snippet_id = e.snippet_id AND o.kind = 'self' AND o.qc_for = ?)
    ORDER BY e.id DESC LIMIT 200`,
  qcOutcomes: `SELECT e.id, e.agreed FROM mark_event e WHERE e.marker_id = ? AND e.item_id = ? AND e.kind = ?
      AND ${NOT_SUPERSEDED} ORDER BY e.id`,
  liveOf: `SELECT e.id FROM mark_event e WHERE e.marker_id = ? AND e.item_id = ? AND e.kind = 'live' AND e.round < ${ARBITRATION_ROUND}
      AND ${NOT_SUPERSEDED} ORDER BY e.id`,
  lastIdOf: 'SELECT MAX(id) AS id FROM mark_event WHERE marker_id = ? AND item_id = ?',
  counting: `SELECT e.id, e.snippet_id, e.round, e.score, e.problem, e.marker_id FROM mark_event e
    WHERE e.snippet_id IN (?) AND e.kind = 'live' AND ${NOT_SUPERSEDED} ORDER BY e.id`,
  recent: recent(''),
  recentOfItem: recent(' AND e.item_id = ?'),
  liveOfItem: `SELECT e.marker_id, e.snippet_id, e.round, e.score, e.seconds_spent FROM mark_event e
    WHERE e.item_id = ? AND e.kind = 'live' AND e.round < ${ARBITRATION_ROUND}
      AND ${NOT_SUPERSEDED}`,
  qcOfItem: `SELECT e.marker_id, e.kind, e.agreed FROM mark_event e WHERE e.item_id = ? AND e.kind IN ('seed', 'self', 'trial')
      AND ${NOT_SUPERSEDED} ORDER BY e.id`,
  liveSince: `SELECT COUNT(*) AS n FROM mark_event WHERE item_id = ? AND kind = 'live' AND created_at >= ?`,
};

/** A mark about to be recorded. `eventId` is set once the round trip that carried the insert has answered. */
export interface NewMark {
  examId: number;
  taskId: number;
  snippetId: number;
  itemId: number;
  markerId: number;
  round: number;
  score: number | null;
  problem: string | null;
  secondsSpent: number;
  clientId: string;
  kind: string;
  refEventId: number | null;
  agreed: boolean | null;
  eventId: number;
}

/** A counting mark with the answer it is of. */
export interface SnippetMark extends CountingMark {
  snippetId: number;
}

/** One of a marker's marks as 回评 lists it (raw row: numbers may come back as strings). */
export interface RecentMarkRow {
  id: number;
  item_id: number;
  score: string | null;
  problem: string | null;
  created_at: Date | string;
  token: string;
  label: string;
  max_score: string;
  score_step: string;
  final: number;
}

const dec = (v: string | number | null) => (v === null ? null : Number(v));

/** The mark_event table's statements: every mark is an immutable event, inserted once and never updated. */
@Injectable()
export class MarkEventRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  private params(m: NewMark): unknown[] {
    return [
      m.examId,
      m.taskId,
      m.snippetId,
      m.itemId,
      m.markerId,
      m.round,
      m.score,
      m.problem,
      m.secondsSpent,
      m.clientId,
      m.kind,
      m.refEventId,
      m.agreed,
    ];
  }

  /**
   * Records the mark with the transaction's next round trip (`mark.eventId` is set when it answers). A clientId used
   * before makes that round trip fail on the unique key: nothing is written.
   */
  recordMark(tx: Tx, mark: NewMark): void {
    sqlOf(tx).later(SQL.insert, this.params(mark), (ok: { insertId: number }) => (mark.eventId = Number(ok.insertId)));
  }

  /** Records the mark now: its event id. */
  async recordMarkNow(tx: Tx, mark: NewMark): Promise<number> {
    const ok: { insertId: number } = await sqlOf(tx).query(SQL.insert, this.params(mark));
    return (mark.eventId = Number(ok.insertId));
  }

  idByClientId(tx: Tx, clientId: string): Promise<{ id: number }[]> {
    return sqlOf(tx).query(SQL.idByClientId, [clientId]);
  }

  findById(id: number): Promise<MarkEvent | null> {
    return this.ds.getRepository(MarkEvent).findOneBy({ id });
  }

  findByClientId(clientId: string): Promise<MarkEvent | null> {
    return this.ds.getRepository(MarkEvent).findOneBy({ clientId });
  }

  /** The answer (exam, student, item) and its counting live marks, oldest first: one row with id null when none. */
  ofAnswer(
    tx: Tx,
    snippetId: number,
  ): Promise<
    {
      exam_id: number;
      student_id: number;
      item_id: number;
      id: number | null;
      round: number;
      score: string | null;
      problem: string | null;
      marker_id: number;
    }[]
  > {
    return sqlOf(tx).query(SQL.ofAnswer, [snippetId]);
  }

  /** How many marks the marker made on each of these items since `since`. */
  markedToday(tx: Tx, markerId: number, itemIds: number[], since: Date): Promise<{ item_id: number; n: number }[]> {
    return sqlOf(tx).query(SQL.markedToday, [markerId, itemIds, since]);
  }

  scoreOf(tx: Tx, eventId: number): Promise<{ score: string | null; problem: string | null }[]> {
    return sqlOf(tx).query(SQL.scoreOf, [eventId]);
  }

  /** The marker's latest live marks on the item (at most 200) that could come back as a self re-mark. */
  selfCandidates(tx: Tx, markerId: number, itemId: number): Promise<{ id: number; snippet_id: number }[]> {
    return sqlOf(tx).query(SQL.selfCandidates, [markerId, itemId, markerId]);
  }

  /** The marker's counting QC marks of one kind on an item, oldest first, and whether each agreed. */
  async qcOutcomes(markerId: number, itemId: number, kind: string): Promise<{ id: number; agreed: boolean }[]> {
    const rows: { id: number; agreed: number | null }[] = await this.ds.query(SQL.qcOutcomes, [markerId, itemId, kind]);
    return rows.map((r) => ({ id: Number(r.id), agreed: Number(r.agreed) === 1 }));
  }

  /** The marker's counting live marks on an item (rounds 1–3), oldest first. */
  async liveOf(markerId: number, itemId: number): Promise<{ id: number }[]> {
    const rows: { id: number }[] = await this.ds.query(SQL.liveOf, [markerId, itemId]);
    return rows.map((r) => ({ id: Number(r.id) }));
  }

  /** The id of the marker's last mark on the item, or null. */
  async lastIdOf(markerId: number, itemId: number): Promise<number | null> {
    const [row]: { id: number | null }[] = await this.ds.query(SQL.lastIdOf, [markerId, itemId]);
    return Number(row?.id ?? 0) || null;
  }

  /** The counting marks of these answers (live, not superseded), oldest first; in the transaction when one is given. */
  async counting(snippetIds: number[], tx?: Tx): Promise<SnippetMark[]> {
    if (!snippetIds.length) return [];
    const rows: Record<string, string | number | null>[] = tx
      ? await sqlOf(tx).query(SQL.counting, [snippetIds])
      : await this.ds.query(SQL.counting, [snippetIds]);
    return rows.map((r) => ({
      id: Number(r.id),
      snippetId: Number(r.snippet_id),
      round: Number(r.round),
      score: dec(r.score),
      problem: r.problem === null ? null : String(r.problem),
      markerId: Number(r.marker_id),
    }));
  }

  /** The marker's last marks (newest first), of one item or of all, seeds and self re-marks listed like any mark. */
  recent(markerId: number, itemId: number | undefined, limit: number): Promise<RecentMarkRow[]> {
    return itemId === undefined
      ? this.ds.query(SQL.recent, [markerId, limit])
      : this.ds.query(SQL.recentOfItem, [markerId, itemId, limit]);
  }

  /** Every counting live mark of the item (the console's marker figures). */
  async liveOfItem(
    itemId: number,
  ): Promise<{ markerId: number; snippetId: number; round: number; score: number | null; secondsSpent: number }[]> {
    const rows: Record<string, string | number | null>[] = await this.ds.query(SQL.liveOfItem, [itemId]);
    return rows.map((r) => ({
      markerId: Number(r.marker_id),
      snippetId: Number(r.snippet_id),
      round: Number(r.round),
      score: dec(r.score),
      secondsSpent: Number(r.seconds_spent),
    }));
  }

  /** Every counting QC mark of the item, oldest first: whose, which kind, whether it agreed. */
  async qcOfItem(itemId: number): Promise<{ markerId: number; kind: string; agreed: boolean }[]> {
    const rows: { marker_id: number; kind: string; agreed: number | null }[] = await this.ds.query(SQL.qcOfItem, [
      itemId,
    ]);
    return rows.map((r) => ({ markerId: Number(r.marker_id), kind: r.kind, agreed: Number(r.agreed) === 1 }));
  }

  /** How many live marks of the item were made since `since`. */
  async liveSince(itemId: number, since: Date): Promise<number> {
    const [row]: { n: number | string }[] = await this.ds.query(SQL.liveSince, [itemId, since]);
    return Number(row.n);
  }
}
