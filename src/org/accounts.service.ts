import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { AuthService } from '../auth/auth.service.js';
import { LoginThrottle } from '../auth/login-throttle.js';
import { UserRepository } from '../auth/user.repository.js';
import { Actor, assertScope } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import { Role } from '../common/role.js';
import { isDuplicateKey } from '../database/errors.js';
import { UnitOfWork } from '../database/unit-of-work.js';
import { ActorCache } from '../auth/actor-cache.js';
import { accountChangeRefusal, type AccountChange } from './domain/account-rules.js';
import { passwordProblem, validateNewUser, validateUserUpdate } from './domain/user-input.js';
import type { CreateUserBody, PasswordBody, UpdateUserBody } from './dto/org.dto.js';
import { OrgAccess } from './org-access.js';
import { SchoolClassRepository } from './school-class.repository.js';
import { SchoolRepository } from './school.repository.js';

/** The alliance's user accounts and their roles, managed by its admin. Never the password hash. */
@Injectable()
export class AccountsService {
  constructor(
    @Inject(UnitOfWork) private readonly uow: UnitOfWork,
    @Inject(OrgAccess) private readonly access: OrgAccess,
    @Inject(SchoolRepository) private readonly schools: SchoolRepository,
    @Inject(SchoolClassRepository) private readonly classes: SchoolClassRepository,
    @Inject(UserRepository) private readonly users: UserRepository,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
    @Inject(LoginThrottle) private readonly throttle: LoginThrottle,
    @Inject(ActorCache) private readonly actors: ActorCache,
  ) {}

  async createUser(actor: Actor, allianceId: number, body: CreateUserBody) {
    assertScope(actor.isAdminOf(allianceId), '只有本联盟管理员可以添加账号');
    await this.access.alliance(allianceId);
    const v = validateNewUser(body ?? {}, ...(await this.scopes(allianceId)));
    if (!v.ok) throw new BadRequestException({ statusCode: 400, message: v.errors.join('；'), errors: v.errors });
    const input = v.user;
    if (await this.users.usernameTaken(input.username)) throw new ConflictException('用户名已存在');
    const passwordHash = await AuthService.hashPassword(input.password);
    try {
      const user = await this.uow.runOrm(async (tx) => {
        const { username, displayName } = input;
        const u = await this.users.create(tx, { username, displayName, passwordHash, allianceId });
        await this.users.grantRoles(
          tx,
          u.id,
          input.roles.map((r) => ({ ...r, role: r.role as Role, allianceId })),
        );
        const detail = { username: u.username, roles: input.roles };
        await this.audit.record(
          { userId: actor.userId, action: 'create', entity: 'user', entityId: String(u.id), detail },
          tx,
        );
        return u;
      });
      return {
        id: user.id,
        username: user.username,
        displayName: user.displayName,
        active: user.active,
        roles: input.roles,
      };
    } catch (err) {
      if (isDuplicateKey(err)) throw new ConflictException('用户名已存在');
      throw err;
    }
  }

  /** What a grant may name: the alliance's schools and its classes (each with its school). */
  private async scopes(allianceId: number): Promise<[Set<number>, Map<number, number>]> {
    const [schoolIds, classSchools] = await Promise.all([
      this.schools.idsInAlliance(allianceId),
      this.classes.schoolOfEachClass(allianceId),
    ]);
    return [new Set(schoolIds), classSchools];
  }

  /** Clears an account's failed-login counters, so its owner logs in at once after a guessing attack. */
  async unlockLogin(actor: Actor, allianceId: number, userId: number) {
    assertScope(actor.isAdminOf(allianceId), '只有本联盟管理员可以解除登录限制');
    const { user } = await this.member(allianceId, userId);
    await this.throttle.unlock(user.username);
    await this.audit.record({ userId: actor.userId, action: 'unlock_login', entity: 'user', entityId: String(userId) });
    return { id: user.id, username: user.username, unlocked: true };
  }

  /** Accounts holding a role in the alliance (or registered to it), with those roles. */
  async listUsers(actor: Actor, allianceId: number) {
    assertScope(actor.isAdminOf(allianceId), '只有本联盟管理员可以查看账号列表');
    const roles = await this.users.grantsInAlliance(allianceId);
    const users = await this.users.listing(allianceId, [...new Set(roles.map((r) => r.userId))]);
    return users.map((u) => ({
      id: u.id,
      username: u.username,
      displayName: u.displayName,
      active: u.active,
      createdAt: u.createdAt,
      roles: roles
        .filter((r) => r.userId === u.id)
        .map((r) => ({ role: r.role, schoolId: r.schoolId, subject: r.subject, classId: r.classId })),
    }));
  }

  /** The account if it holds a role in the alliance (or is registered to it), with its grants there; else 404. */
  private async member(allianceId: number, userId: number) {
    const grants = (await this.users.grantsInAlliance(allianceId)).filter((r) => r.userId === userId);
    const user = (await this.users.listing(allianceId, grants.length ? [userId] : [])).find((u) => u.id === userId);
    if (!user) throw new NotFoundException('本联盟没有这个账号');
    return { user, grants };
  }

  /** Refuses what would leave the alliance without a working admin or lock the actor out (domain/account-rules.ts). */
  private async checkChange(
    actor: Actor,
    allianceId: number,
    userId: number,
    change: AccountChange,
    grants: { role: string }[],
    keepsAdmin?: boolean,
  ) {
    const targetIsAdmin = grants.some((g) => g.role === Role.Admin);
    const refusal = accountChangeRefusal({
      change,
      actorId: actor.userId,
      targetId: userId,
      targetIsAdmin,
      keepsAdmin,
      otherActiveAdmins: targetIsAdmin ? await this.users.countActiveAdmins(allianceId, userId) : 0,
    });
    if (refusal) throw new ConflictException(refusal);
  }

  /** The admin changes an account's display name and its roles in the alliance (those elsewhere stay). */
  async updateUser(actor: Actor, allianceId: number, userId: number, body: UpdateUserBody) {
    assertScope(actor.isAdminOf(allianceId), '只有本联盟管理员可以修改账号');
    const { user, grants } = await this.member(allianceId, userId);
    const v = validateUserUpdate(body ?? {}, ...(await this.scopes(allianceId)));
    if (!v.ok) throw new BadRequestException({ statusCode: 400, message: v.errors.join('；'), errors: v.errors });
    const { displayName, roles } = v.update;
    await this.checkChange(
      actor,
      allianceId,
      userId,
      'edit_roles',
      grants,
      roles.some((r) => r.role === 'admin'),
    );
    await this.uow.runOrm(async (tx) => {
      await this.users.setDisplayName(tx, userId, displayName);
      await this.users.replaceGrantsInAlliance(
        tx,
        userId,
        allianceId,
        roles.map((r) => ({ ...r, role: r.role as Role, allianceId })),
      );
      const before = grants.map((g) => ({
        role: g.role,
        schoolId: g.schoolId,
        subject: g.subject,
        classId: g.classId,
      }));
      const detail = { username: user.username, displayName, before, after: roles };
      await this.audit.record(
        { userId: actor.userId, action: 'update', entity: 'user', entityId: String(userId), detail },
        tx,
      );
    });
    this.actors.forget(userId);
    return { id: userId, username: user.username, displayName, active: user.active, roles };
  }

  /** The admin sets a new password for a person who forgot theirs; the person's sessions end. Audited. */
  async resetPassword(actor: Actor, allianceId: number, userId: number, body: PasswordBody) {
    assertScope(actor.isAdminOf(allianceId), '只有本联盟管理员可以重置密码');
    const { user, grants } = await this.member(allianceId, userId);
    const problem = passwordProblem(body?.password);
    if (problem) throw new BadRequestException(problem);
    await this.checkChange(actor, allianceId, userId, 'reset_password', grants);
    const passwordHash = await AuthService.hashPassword(body.password as string);
    await this.uow.runOrm(async (tx) => {
      await this.users.setPassword(tx, userId, passwordHash);
      const detail = { username: user.username };
      await this.audit.record(
        { userId: actor.userId, action: 'reset_password', entity: 'user', entityId: String(userId), detail },
        tx,
      );
    });
    this.actors.forget(userId);
    await this.throttle.unlock(user.username).catch(() => undefined); // Redis away: the new password still holds
    return { id: userId, username: user.username, passwordReset: true };
  }

  /** Deactivates (the person can no longer log in, their sessions end) or reactivates an account. Audited. */
  async setActive(actor: Actor, allianceId: number, userId: number, active: boolean) {
    assertScope(actor.isAdminOf(allianceId), '只有本联盟管理员可以停用或启用账号');
    const { user, grants } = await this.member(allianceId, userId);
    if (!grants.length && user.active === active) return { id: userId, username: user.username, active };
    if (!grants.length) throw new ForbiddenException('该账号在本联盟没有角色，不能由本联盟停用或启用');
    await this.checkChange(actor, allianceId, userId, active ? 'reactivate' : 'deactivate', grants);
    await this.uow.runOrm(async (tx) => {
      await this.users.setActive(tx, userId, active);
      const detail = { username: user.username };
      const action = active ? 'reactivate' : 'deactivate';
      await this.audit.record({ userId: actor.userId, action, entity: 'user', entityId: String(userId), detail }, tx);
    });
    this.actors.forget(userId);
    return { id: userId, username: user.username, active };
  }
}
