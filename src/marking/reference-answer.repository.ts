import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sqlOf, type Tx } from '../database/unit-of-work.js';
import { ReferenceAnswer, ReferenceKind } from './entities/qc.entities.js';

/** The statements, checked in as text (queries/reference-answer.repository.sql): a change shows in review. */
export const SQL = {
  // 试评: the first trial answer of these items that the marker has not had yet.
  nextTrial: `SELECT r.snippet_id, r.item_id, s.exam_id FROM reference_answer r JOIN answer_snippet s ON s.id = r.snippet_id
    WHERE r.kind = 'trial' AND r.item_id IN (?)
      AND NOT EXISTS (SELECT 1 FROM marking_task q WHERE q.snippet_id = r.snippet_id AND q.kind = 'trial' AND q.qc_for = ?)
    ORDER BY r.item_id, r.id LIMIT 1`,
  // 测评卷: seeds of the item the marker has neither marked nor been given (nor holds).
  seedCandidates: `SELECT r.snippet_id FROM reference_answer r
    WHERE r.kind = 'seed' AND r.item_id = ?
      AND NOT EXISTS (SELECT 1 FROM mark_event e WHERE e.snippet_id = r.snippet_id AND e.marker_id = ?)
      AND NOT EXISTS (SELECT 1 FROM marking_task o WHERE o.snippet_id = r.snippet_id AND (o.qc_for = ? OR (o.leased_by = ? AND o.status = 'leased')))
    ORDER BY r.id LIMIT 200`,
  definitiveScore: 'SELECT score FROM reference_answer WHERE snippet_id = ? AND kind = ? LIMIT 1',
  ofItem:
    'SELECT r.id, r.kind, r.score, s.token FROM reference_answer r JOIN answer_snippet s ON s.id = r.snippet_id WHERE r.item_id = ? ORDER BY r.kind, r.id',
};

/** The reference_answer table's statements: answers with a definitive score, for trial marking and as seeds. */
@Injectable()
export class ReferenceAnswerRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  nextTrial(
    tx: Tx,
    itemIds: number[],
    markerId: number,
  ): Promise<{ snippet_id: number; item_id: number; exam_id: number }[]> {
    return sqlOf(tx).query(SQL.nextTrial, [itemIds, markerId]);
  }

  seedCandidates(tx: Tx, itemId: number, markerId: number): Promise<{ snippet_id: number }[]> {
    return sqlOf(tx).query(SQL.seedCandidates, [itemId, markerId, markerId, markerId]);
  }

  /** The lead's definitive score of the answer as a reference of this kind (raw: DECIMAL as a string). */
  definitiveScore(tx: Tx, snippetId: number, kind: ReferenceKind): Promise<{ score: string }[]> {
    return sqlOf(tx).query(SQL.definitiveScore, [snippetId, kind]);
  }

  /** The item's reference answers with their snippets' tokens, trial answers first. */
  async ofItem(itemId: number): Promise<{ id: number; kind: string; score: number; token: string }[]> {
    const rows: Record<string, unknown>[] = await this.ds.query(SQL.ofItem, [itemId]);
    return rows.map((r) => ({
      id: Number(r.id),
      kind: String(r.kind),
      score: Number(r.score),
      token: String(r.token),
    }));
  }

  countTrials(itemId: number): Promise<number> {
    return this.ds.getRepository(ReferenceAnswer).countBy({ itemId, kind: ReferenceKind.Trial });
  }

  /** The answer's definitive score as a reference of this kind, created or changed. */
  async save(reference: Pick<ReferenceAnswer, 'itemId' | 'snippetId' | 'kind' | 'score' | 'createdBy'>): Promise<void> {
    await this.ds.getRepository(ReferenceAnswer).upsert(reference, ['snippetId', 'kind']);
  }

  /** The answer is no longer a reference of this kind (its marks by markers stay, as QC history). */
  async remove(itemId: number, snippetId: number, kind: ReferenceKind): Promise<boolean> {
    const r = await this.ds.getRepository(ReferenceAnswer).delete({ itemId, snippetId, kind });
    return (r.affected ?? 0) > 0;
  }
}
