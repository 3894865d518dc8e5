import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { managerOf, managerOr, type Tx } from '../database/unit-of-work.js';
import { KnowledgePoint } from './entities/knowledge-point.entity.js';

/** The knowledge_point table's statements: the tree of one subject in one alliance, by path. */
@Injectable()
export class KnowledgePointRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  /** The subject's tree nodes, by path. */
  ofSubject(allianceId: number, subject: string, tx?: Tx): Promise<KnowledgePoint[]> {
    return managerOr(tx, this.ds)
      .getRepository(KnowledgePoint)
      .find({ where: { allianceId, subject }, order: { path: 'ASC' } });
  }

  /** INSERT IGNORE of one node: true when this call added it (a concurrent writer may have been first). */
  async addIgnoringExisting(
    tx: Tx,
    node: Pick<KnowledgePoint, 'allianceId' | 'subject' | 'parentId' | 'name' | 'path'>,
  ): Promise<boolean> {
    const res = await managerOf(tx)
      .createQueryBuilder()
      .insert()
      .into(KnowledgePoint)
      .values(node)
      .orIgnore()
      .updateEntity(false)
      .execute();
    return !!res.raw?.affectedRows;
  }

  /** The node of the path, read with a lock: it sees a row another transaction committed meanwhile. */
  lockPath(tx: Tx, allianceId: number, subject: string, path: string): Promise<KnowledgePoint> {
    // FOR UPDATE: MariaDB has no FOR SHARE.
    return managerOf(tx)
      .getRepository(KnowledgePoint)
      .findOneOrFail({ where: { allianceId, subject, path }, lock: { mode: 'pessimistic_write' } });
  }

  /** Full paths of nodes by id (for export). */
  async pathsById(ids: number[]): Promise<Map<number, string>> {
    if (!ids.length) return new Map();
    const rows = await this.ds
      .getRepository(KnowledgePoint)
      .createQueryBuilder('k')
      .where('k.id IN (:...ids)', { ids: [...new Set(ids)] })
      .getMany();
    return new Map(rows.map((r) => [r.id, r.path]));
  }
}
