import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { managerOf, managerOr, type Tx } from '../database/unit-of-work.js';
import { BureauUser } from './entities/bureau-user.entity.js';
import { County } from './entities/county.entity.js';

/** The county and bureau_user tables' statements: a 区县 and the bureau users it holds. */
@Injectable()
export class CountyRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  findById(id: number): Promise<County | null> {
    return this.ds.getRepository(County).findOneBy({ id });
  }

  findByCode(code: string, tx?: Tx): Promise<County | null> {
    return managerOr(tx, this.ds).getRepository(County).findOneBy({ code });
  }

  codeTaken(code: string): Promise<boolean> {
    return this.ds.getRepository(County).existsBy({ code });
  }

  create(tx: Tx, county: Pick<County, 'name' | 'code'>): Promise<County> {
    return managerOf(tx).getRepository(County).save(county);
  }

  /** Makes the user a bureau user of the county (nothing when it already is). */
  async addBureauUser(tx: Tx, userId: number, countyId: number): Promise<void> {
    await managerOf(tx).getRepository(BureauUser).upsert({ userId, countyId }, ['userId', 'countyId']);
  }

  isBureauUser(userId: number, countyId: number): Promise<boolean> {
    return this.ds.getRepository(BureauUser).existsBy({ userId, countyId });
  }

  /** The counties of which the user is a bureau user, by id. */
  async countiesOf(userId: number): Promise<County[]> {
    const ids = (await this.ds.getRepository(BureauUser).findBy({ userId })).map((b) => b.countyId);
    return ids.length ? this.ds.getRepository(County).find({ where: { id: In(ids) }, order: { id: 'ASC' } }) : [];
  }
}
