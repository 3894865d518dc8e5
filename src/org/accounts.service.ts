import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { AuthService } from '../auth/auth.service.js';
import { LoginThrottle } from '../auth/login-throttle.js';
import { UserRepository } from '../auth/user.repository.js';
import { Actor, assertScope } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import type { Role } from '../common/role.js';
import { isDuplicateKey } from '../database/errors.js';
import { UnitOfWork } from '../database/unit-of-work.js';
import { validateNewUser } from './domain/user-input.js';
import type { CreateUserBody } from './dto/org.dto.js';
import { OrgAccess } from './org-access.js';
import { SchoolRepository } from './school.repository.js';

/** The alliance's user accounts and their roles, managed by its admin. Never the password hash. */
@Injectable()
export class AccountsService {
  constructor(
    @Inject(UnitOfWork) private readonly uow: UnitOfWork,
    @Inject(OrgAccess) private readonly access: OrgAccess,
    @Inject(SchoolRepository) private readonly schools: SchoolRepository,
    @Inject(UserRepository) private readonly users: UserRepository,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
    @Inject(LoginThrottle) private readonly throttle: LoginThrottle,
  ) {}

  async createUser(actor: Actor, allianceId: number, body: CreateUserBody) {
    assertScope(actor.isAdminOf(allianceId), '只有本联盟管理员可以添加账号');
    await this.access.alliance(allianceId);
    const v = validateNewUser(body ?? {}, new Set(await this.schools.idsInAlliance(allianceId)));
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
          input.roles.map((r) => ({ role: r.role as Role, allianceId, schoolId: r.schoolId, subject: r.subject })),
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

  /** Clears an account's failed-login counters, so its owner logs in at once after a guessing attack. */
  async unlockLogin(actor: Actor, allianceId: number, userId: number) {
    assertScope(actor.isAdminOf(allianceId), '只有本联盟管理员可以解除登录限制');
    const inAlliance = new Set((await this.users.grantsInAlliance(allianceId)).map((r) => r.userId));
    const user = (await this.users.listing(allianceId, inAlliance.has(userId) ? [userId] : [])).find(
      (u) => u.id === userId,
    );
    if (!user) throw new NotFoundException('本联盟没有这个账号');
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
        .map((r) => ({ role: r.role, schoolId: r.schoolId, subject: r.subject })),
    }));
  }
}
