import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { User } from '../auth/entities/user.entity.js';
import { Role } from '../common/role.js';

/** The statements, checked in as text (queries/marker-directory.repository.sql): a change shows in review. */
export const SQL = {
  isMarkerOf:
    'SELECT 1 FROM user_role WHERE user_id = ? AND role = ? AND alliance_id = ? AND (subject IS NULL OR subject = ?) LIMIT 1',
};

/** Marking's reads of the people who mark (auth/ owns and writes user and user_role): who they are, what they mark. */
@Injectable()
export class MarkerDirectoryRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  /** Whether the user marks this subject (or every subject) in the alliance. */
  async isMarkerOf(userId: number, allianceId: number, subject: string): Promise<boolean> {
    const rows: unknown[] = await this.ds.query(SQL.isMarkerOf, [userId, Role.Marker, allianceId, subject]);
    return rows.length > 0;
  }

  user(id: number): Promise<User | null> {
    return this.ds.getRepository(User).findOneBy({ id });
  }

  users(ids: number[]): Promise<User[]> {
    return this.ds.getRepository(User).findBy({ id: In(ids) });
  }
}
