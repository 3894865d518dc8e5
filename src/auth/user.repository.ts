import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import type { RoleGrant } from '../common/actor.js';
import { Role } from '../common/role.js';
import { SqlPool } from '../database/sql-pool.js';
import { managerOf, managerOr, type Tx } from '../database/unit-of-work.js';
import { UserRole } from './entities/user-role.entity.js';
import { User } from './entities/user.entity.js';

/** The statements, checked in as text (queries/user.repository.sql): a change shows in review. */
export const SQL = {
  /** The user and every role it holds, in one round trip (read for every token at most once per ACTOR_CACHE_MS). */
  /**
   * Second part: a bureau user of a county (bureau_user, owned by org) holds the bureau role in every alliance of the
   * county, read here so that an alliance joining the county reaches its bureau at the next session load.
   */
  sessionOf:
    'SELECT u.id, u.username, u.display_name, u.active, u.session_epoch, r.role, r.alliance_id, r.school_id, r.subject, r.class_id, 0 AS part, r.id AS ord FROM `user` u LEFT JOIN user_role r ON r.user_id = u.id WHERE u.id = ? ' +
    "UNION ALL SELECT u.id, u.username, u.display_name, u.active, u.session_epoch, 'bureau', a.id, NULL, NULL, NULL, 1 AS part, a.id AS ord FROM `user` u JOIN bureau_user b ON b.user_id = u.id JOIN alliance a ON a.county_id = b.county_id WHERE u.id = ? " +
    'ORDER BY part, ord',
  /** Only a current token may end the sessions: the epoch moves on only from the one the token carries. */
  endSessions: 'UPDATE `user` SET `session_epoch` = `session_epoch` + 1 WHERE `id` = ? AND `session_epoch` = ?',
};

/** A user as a token is checked against: who, whether active, the session epoch, and every grant. */
export interface UserSession {
  id: number;
  username: string;
  displayName: string;
  active: boolean;
  sessionEpoch: number;
  grants: RoleGrant[];
}

/** A new account (the password already hashed). */
export interface NewUser {
  username: string;
  displayName: string;
  passwordHash: string;
  allianceId: number | null;
}

/** An account as the alliance's admin lists it: never the password hash. */
export type UserListing = Pick<User, 'id' | 'username' | 'displayName' | 'active' | 'createdAt'>;

interface SessionRow {
  id: number;
  username: string;
  display_name: string;
  active: number;
  session_epoch: number;
  role: Role | null;
  alliance_id: number | null;
  school_id: number | null;
  subject: string | null;
  class_id: number | null;
}

/** The user and user_role tables' statements: accounts and the roles they hold (one aggregate, written together). */
@Injectable()
export class UserRepository {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(SqlPool) private readonly sql: SqlPool,
  ) {}

  findByUsername(username: string): Promise<User | null> {
    return this.ds.getRepository(User).findOneBy({ username });
  }

  usernameTaken(username: string): Promise<boolean> {
    return this.ds.getRepository(User).existsBy({ username });
  }

  /** The user's grants, in the shape an Actor holds them (a bureau user's expanded per alliance of its county). */
  async grantsOf(userId: number): Promise<RoleGrant[]> {
    return (await this.sessionOf(userId))?.grants ?? [];
  }

  /**
   * The user with every role, or null when there is no such user. On SqlPool: the marking calls it guards read a
   * marker's token about once per mark at city load.
   */
  async sessionOf(userId: number): Promise<UserSession | null> {
    const rows: SessionRow[] = await this.sql.query(SQL.sessionOf, [userId, userId]);
    if (!rows.length) return null;
    const u = rows[0];
    return {
      id: Number(u.id),
      username: u.username,
      displayName: u.display_name,
      active: !!Number(u.active),
      sessionEpoch: Number(u.session_epoch),
      grants: rows
        .filter((r) => r.role !== null)
        .map((r) => ({
          role: r.role!,
          allianceId: Number(r.alliance_id),
          schoolId: r.school_id === null ? null : Number(r.school_id),
          subject: r.subject,
          classId: r.class_id === null ? null : Number(r.class_id),
        })),
    };
  }

  /** Ends every session of the user issued at `epoch` (a logout); a token of an earlier epoch changes nothing. */
  async endSessions(userId: number, epoch: number): Promise<void> {
    await this.ds.query(SQL.endSessions, [userId, epoch]);
  }

  /** A new active account. */
  create(tx: Tx, user: NewUser): Promise<User> {
    return managerOf(tx)
      .getRepository(User)
      .save({ ...user, active: true });
  }

  async grantRoles(tx: Tx, userId: number, grants: RoleGrant[]): Promise<void> {
    if (!grants.length) return;
    await managerOf(tx)
      .getRepository(UserRole)
      .insert(grants.map((g) => ({ userId, ...g, classId: g.classId ?? null })));
  }

  /** How many grants the user holds in alliances (user_role rows; a bureau user's expanded grants are not rows). */
  grantsInAllianceOf(userId: number): Promise<number> {
    return this.ds.getRepository(UserRole).countBy({ userId });
  }

  /** Every grant held in the alliance. */
  grantsInAlliance(allianceId: number): Promise<UserRole[]> {
    return this.ds.getRepository(UserRole).findBy({ allianceId });
  }

  /** Accounts registered to the alliance or among `ids`, by id. */
  listing(allianceId: number, ids: number[]): Promise<UserListing[]> {
    return this.ds.getRepository(User).find({
      where: [{ allianceId }, ...(ids.length ? [{ id: In(ids) }] : [])],
      select: { id: true, username: true, displayName: true, active: true, createdAt: true },
      order: { id: 'ASC' },
    });
  }

  /** Active subject leads of the subject in the alliance, `exceptUserId` excepted (a lone lead may lock alone). */
  countActiveLeads(allianceId: number, subject: string, exceptUserId: number, tx?: Tx): Promise<number> {
    return managerOr(tx, this.ds)
      .getRepository(UserRole)
      .createQueryBuilder('r')
      .innerJoin(User, 'u', 'u.id = r.user_id')
      .where(
        'r.role = :role AND r.alliance_id = :allianceId AND r.subject = :subject AND r.user_id <> :actorId AND u.active = 1',
        { role: Role.SubjectLead, allianceId, subject, actorId: exceptUserId },
      )
      .getCount();
  }

  /** A new password; the epoch moves on, so every session the account had ends. */
  async setPassword(tx: Tx, userId: number, passwordHash: string): Promise<void> {
    await managerOf(tx)
      .getRepository(User)
      .update({ id: userId }, { passwordHash, sessionEpoch: () => 'session_epoch + 1' });
  }

  /** Deactivates or reactivates the account; the epoch moves on, so its sessions end either way. */
  async setActive(tx: Tx, userId: number, active: boolean): Promise<void> {
    await managerOf(tx)
      .getRepository(User)
      .update({ id: userId }, { active, sessionEpoch: () => 'session_epoch + 1' });
  }

  async setDisplayName(tx: Tx, userId: number, displayName: string): Promise<void> {
    await managerOf(tx).getRepository(User).update({ id: userId }, { displayName });
  }

  /** The user's grants in this alliance become `grants` (those of other alliances stay). */
  async replaceGrantsInAlliance(tx: Tx, userId: number, allianceId: number, grants: RoleGrant[]): Promise<void> {
    await managerOf(tx).getRepository(UserRole).delete({ userId, allianceId });
    await this.grantRoles(tx, userId, grants);
  }

  /** Active holders of the admin role in the alliance, `exceptUserId` excepted. */
  countActiveAdmins(allianceId: number, exceptUserId: number): Promise<number> {
    return this.ds
      .getRepository(UserRole)
      .createQueryBuilder('r')
      .innerJoin(User, 'u', 'u.id = r.user_id')
      .where('r.role = :role AND r.alliance_id = :allianceId AND r.user_id <> :exceptUserId AND u.active = 1', {
        role: Role.Admin,
        allianceId,
        exceptUserId,
      })
      .select('COUNT(DISTINCT r.user_id)', 'n')
      .getRawOne<{ n: string }>()
      .then((r) => Number(r?.n ?? 0));
  }
}
