import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In, Not } from 'typeorm';
import { managerOr, type Tx } from '../database/unit-of-work.js';
import { School } from './entities/school.entity.js';

/** The school table's statements. */
@Injectable()
export class SchoolRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  /** The school if it belongs to the alliance, else null. */
  findInAlliance(id: number, allianceId: number, tx?: Tx): Promise<School | null> {
    return managerOr(tx, this.ds).getRepository(School).findOneBy({ id, allianceId });
  }

  /** The alliance's schools (all, or those of `ids`), by id. */
  ofAlliance(allianceId: number, ids?: number[], tx?: Tx): Promise<School[]> {
    return managerOr(tx, this.ds)
      .getRepository(School)
      .find({ where: ids ? { allianceId, id: In(ids) } : { allianceId }, order: { id: 'ASC' } });
  }

  /** These schools (those that exist). */
  findByIds(ids: number[]): Promise<School[]> {
    return ids.length ? this.ds.getRepository(School).findBy({ id: In(ids) }) : Promise.resolve([]);
  }

  findById(id: number): Promise<School | null> {
    return this.ds.getRepository(School).findOneBy({ id });
  }

  codeTaken(allianceId: number, code: string): Promise<boolean> {
    return this.ds.getRepository(School).existsBy({ allianceId, code });
  }

  create(school: Omit<School, 'id'>): Promise<School> {
    return this.ds.getRepository(School).save(school);
  }

  /** The ids of the alliance's schools. */
  async idsInAlliance(allianceId: number): Promise<number[]> {
    const rows = await this.ds.getRepository(School).find({ where: { allianceId }, select: { id: true } });
    return rows.map((s) => s.id);
  }

  /** Another school of the alliance holds this code. */
  codeTakenByOther(allianceId: number, code: string, exceptId: number): Promise<boolean> {
    return this.ds.getRepository(School).existsBy({ allianceId, code, id: Not(exceptId) });
  }

  async update(id: number, fields: Pick<School, 'name' | 'code' | 'kind' | 'locality'>): Promise<void> {
    await this.ds.getRepository(School).update({ id }, fields);
  }
}
