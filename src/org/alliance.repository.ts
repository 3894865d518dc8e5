import { Inject, Injectable } from '@nestjs/common';
import { DataSource, Not } from 'typeorm';
import { managerOf, type Tx } from '../database/unit-of-work.js';
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
}
