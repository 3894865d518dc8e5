import { Inject, Injectable } from '@nestjs/common';
import { DataSource, Not } from 'typeorm';
import { managerOf, managerOr, type Tx } from '../database/unit-of-work.js';
import { Alliance } from './entities/alliance.entity.js';

/** The alliance table's statements. */
@Injectable()
export class AllianceRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  findById(id: number): Promise<Alliance | null> {
    return this.ds.getRepository(Alliance).findOneBy({ id });
  }

  codeTaken(code: string): Promise<boolean> {
    return this.ds.getRepository(Alliance).existsBy({ code });
  }

  create(tx: Tx, alliance: Pick<Alliance, 'name' | 'code'>): Promise<Alliance> {
    return managerOf(tx).getRepository(Alliance).save(alliance);
  }

  /** Another alliance holds this code. */
  codeTakenByOther(code: string, exceptId: number): Promise<boolean> {
    return this.ds.getRepository(Alliance).existsBy({ code, id: Not(exceptId) });
  }

  async update(id: number, fields: Pick<Alliance, 'name' | 'code'>): Promise<void> {
    await this.ds.getRepository(Alliance).update({ id }, fields);
  }

  /** The alliance joins the county (or, with null, leaves the one it had). */
  async setCounty(id: number, countyId: number | null, tx?: Tx): Promise<void> {
    await managerOr(tx, this.ds).getRepository(Alliance).update({ id }, { countyId });
  }

  /** The alliances of the county, by id. */
  ofCounty(countyId: number): Promise<Alliance[]> {
    return this.ds.getRepository(Alliance).find({ where: { countyId }, order: { id: 'ASC' } });
  }

  findByCode(code: string): Promise<Alliance | null> {
    return this.ds.getRepository(Alliance).findOneBy({ code });
  }
}
