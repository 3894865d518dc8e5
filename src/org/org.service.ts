import { BadRequestException, ConflictException, Inject, Injectable } from '@nestjs/common';
import { AuthService } from '../auth/auth.service.js';
import { UserRepository } from '../auth/user.repository.js';
import { Role } from '../common/role.js';
import { Actor, assertScope } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import { isDuplicateKey } from '../database/errors.js';
import { UnitOfWork } from '../database/unit-of-work.js';
import { AllianceRepository } from './alliance.repository.js';
import { normalizeClassName } from './domain/roster.js';
import { validateNewUser } from './domain/user-input.js';
import type { BootstrapAllianceInput, CreateClassesBody, CreateSchoolBody } from './dto/org.dto.js';
import { Alliance } from './entities/alliance.entity.js';
import { Locality, SchoolKind } from './entities/school.entity.js';
import { OrgAccess } from './org-access.js';
import { SchoolClassRepository } from './school-class.repository.js';
import { SchoolRepository } from './school.repository.js';

const CODE_RE = /^[A-Za-z0-9_-]{1,40}$/;
const collator = new Intl.Collator('zh-CN', { numeric: true });

function invalid(errors: string[]): never {
  throw new BadRequestException({ statusCode: 400, message: errors.join('；'), errors });
}

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** Alliances, schools and classes, always scoped to the caller's alliance. Accounts: AccountsService. */
@Injectable()
export class OrgService {
  constructor(
    @Inject(UnitOfWork) private readonly uow: UnitOfWork,
    @Inject(OrgAccess) private readonly access: OrgAccess,
    @Inject(AllianceRepository) private readonly alliances: AllianceRepository,
    @Inject(SchoolRepository) private readonly schools: SchoolRepository,
    @Inject(SchoolClassRepository) private readonly classes: SchoolClassRepository,
    @Inject(UserRepository) private readonly users: UserRepository,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
  ) {}

  /** Creates an alliance and its first admin, without HTTP (CLI and demo). */
  async bootstrapAlliance(
    input: BootstrapAllianceInput,
  ): Promise<{ alliance: Alliance; admin: { id: number; username: string } }> {
    const name = text(input.name);
    const code = text(input.code);
    const errors: string[] = [];
    if (!name || name.length > 100) errors.push('联盟名称不能为空，最多 100 个字');
    if (!CODE_RE.test(code)) errors.push('联盟代码应为 1–40 个字母、数字、_ 或 -');
    const user = validateNewUser(
      {
        username: input.adminUsername,
        displayName: input.adminDisplayName || '联盟管理员',
        password: input.adminPassword,
        roles: [{ role: 'admin' }],
      },
      new Set(),
    );
    if (!user.ok) errors.push(...user.errors);
    if (errors.length || !user.ok) invalid(errors);
    if (await this.alliances.codeTaken(code)) throw new ConflictException(`联盟代码 ${code} 已存在`);
    if (await this.users.usernameTaken(user.user.username)) throw new ConflictException('用户名已存在');
    const passwordHash = await AuthService.hashPassword(user.user.password);
    try {
      return await this.uow.runOrm(async (tx) => {
        const alliance = await this.alliances.create(tx, { name, code });
        const { username, displayName } = user.user;
        const admin = await this.users.create(tx, { username, displayName, passwordHash, allianceId: alliance.id });
        await this.users.grantRoles(tx, admin.id, [
          { role: Role.Admin, allianceId: alliance.id, schoolId: null, subject: null },
        ]);
        const detail = { code, admin: admin.username };
        await this.audit.record(
          { userId: null, action: 'bootstrap', entity: 'alliance', entityId: String(alliance.id), detail },
          tx,
        );
        return { alliance, admin: { id: admin.id, username: admin.username } };
      });
    } catch (err) {
      if (isDuplicateKey(err)) throw new ConflictException('联盟代码或用户名已存在');
      throw err;
    }
  }

  async getAlliance(actor: Actor, id: number) {
    assertScope(actor.belongsTo(id), '无权查看该联盟');
    const a = await this.access.alliance(id);
    return { id: a.id, name: a.name, code: a.code, createdAt: a.createdAt };
  }

  async createSchool(actor: Actor, allianceId: number, body: CreateSchoolBody) {
    assertScope(actor.isAdminOf(allianceId), '只有本联盟管理员可以添加学校');
    await this.access.alliance(allianceId);
    const name = text(body?.name);
    const code = text(body?.code);
    const errors: string[] = [];
    if (!name || name.length > 100) errors.push('学校名称不能为空，最多 100 个字');
    if (!CODE_RE.test(code)) errors.push('学校代码应为 1–40 个字母、数字、_ 或 -');
    if (!Object.values(SchoolKind).includes(body?.kind as SchoolKind))
      errors.push('学校类型应为 lead（龙头校）、member（成员校）或 comparison（对照校）');
    if (!Object.values(Locality).includes(body?.locality as Locality))
      errors.push('学校所在地应为 urban（城区）或 rural（乡村）');
    if (errors.length) invalid(errors);
    if (await this.schools.codeTaken(allianceId, code)) throw new ConflictException(`学校代码 ${code} 已存在`);
    try {
      const s = await this.schools.create({
        allianceId,
        name,
        code,
        kind: body.kind as SchoolKind,
        locality: body.locality as Locality,
      });
      return { id: s.id, allianceId, name, code, kind: s.kind, locality: s.locality };
    } catch (err) {
      if (isDuplicateKey(err)) throw new ConflictException(`学校代码 ${code} 已存在`);
      throw err;
    }
  }

  /** Admins see every field; other members of the alliance see names and kinds (no student data here). */
  async listSchools(actor: Actor, allianceId: number) {
    assertScope(actor.belongsTo(allianceId), '无权查看该联盟的学校');
    const schools = await this.schools.ofAlliance(allianceId);
    if (actor.isAdminOf(allianceId))
      return schools.map((s) => ({
        id: s.id,
        allianceId: s.allianceId,
        name: s.name,
        code: s.code,
        kind: s.kind,
        locality: s.locality,
      }));
    return schools.map((s) => ({ id: s.id, name: s.name, kind: s.kind, locality: s.locality }));
  }

  /** Adds the classes not there yet (matched by normalized name); existing ones are left as they are. */
  async createClasses(actor: Actor, schoolId: number, body: CreateClassesBody) {
    const school = await this.access.school(schoolId);
    assertScope(actor.isAdminOf(school.allianceId), '只有本联盟管理员可以添加班级');
    const grade = text(body?.grade);
    const names = Array.isArray(body?.names) ? body.names.map(text) : null;
    const errors: string[] = [];
    if (!names || names.length === 0) errors.push('请提供至少一个班级名称（names）');
    else if (names.length > 200) errors.push('一次最多添加 200 个班级');
    else names.forEach((n, i) => (!n || n.length > 60) && errors.push(`第${i + 1}个班级名称为空或超过 60 个字`));
    if (grade.length > 20) errors.push('年级最多 20 个字');
    if (errors.length) invalid(errors);
    const known = new Set((await this.classes.ofSchool(schoolId)).map((c) => normalizeClassName(c.name)));
    const toAdd: string[] = [];
    for (const n of names!) {
      if (known.has(normalizeClassName(n))) continue;
      known.add(normalizeClassName(n));
      toAdd.push(n);
    }
    await this.classes.addIgnoringExisting(schoolId, toAdd, grade);
    return { created: toAdd, classes: await this.classesOf(schoolId) };
  }

  /** Classes of a school with head counts: admin, or the school's principal or scanner. */
  async listClasses(actor: Actor, schoolId: number) {
    const school = await this.access.school(schoolId);
    assertScope(
      actor.canActForSchool(Role.Principal, school.allianceId, schoolId) ||
        actor.canActForSchool(Role.Scanner, school.allianceId, schoolId),
      '无权查看该校班级',
    );
    return this.classesOf(schoolId);
  }

  private async classesOf(schoolId: number) {
    return (await this.classes.withHeadCounts(schoolId)).sort((a, b) => collator.compare(a.name, b.name));
  }
}
