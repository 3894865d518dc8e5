import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { AuthService } from '../auth/auth.service.js';
import { User } from '../auth/entities/user.entity.js';
import { Role } from '../common/role.js';
import { UserRole } from '../auth/entities/user-role.entity.js';
import { Actor, assertScope } from '../common/actor.js';
import { AuditLog } from '../common/entities/audit-log.entity.js';
import { normalizeClassName } from './domain/roster.js';
import { validateNewUser } from './domain/user-input.js';
import type { BootstrapAllianceInput, CreateClassesBody, CreateSchoolBody, CreateUserBody } from './dto/org.dto.js';
import { Alliance } from './entities/alliance.entity.js';
import { SchoolClass } from './entities/school-class.entity.js';
import { Locality, School, SchoolKind } from './entities/school.entity.js';

const CODE_RE = /^[A-Za-z0-9_-]{1,40}$/;
const collator = new Intl.Collator('zh-CN', { numeric: true });

export function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } };
  return e?.code === 'ER_DUP_ENTRY' || e?.driverError?.code === 'ER_DUP_ENTRY';
}

function invalid(errors: string[]): never {
  throw new BadRequestException({ statusCode: 400, message: errors.join('；'), errors });
}

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** Alliances, schools, classes and user accounts, always scoped to the caller's alliance. */
@Injectable()
export class OrgService {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

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
    if (await this.ds.getRepository(Alliance).existsBy({ code }))
      throw new ConflictException(`联盟代码 ${code} 已存在`);
    if (await this.ds.getRepository(User).existsBy({ username: user.user.username }))
      throw new ConflictException('用户名已存在');
    const passwordHash = await AuthService.hashPassword(user.user.password);
    try {
      return await this.ds.transaction(async (m) => {
        const alliance = await m.getRepository(Alliance).save({ name, code });
        const admin = await m.getRepository(User).save({
          username: user.user.username,
          displayName: user.user.displayName,
          passwordHash,
          allianceId: alliance.id,
          active: true,
        });
        await m
          .getRepository(UserRole)
          .save({ userId: admin.id, role: Role.Admin, allianceId: alliance.id, schoolId: null, subject: null });
        await m.getRepository(AuditLog).insert({
          userId: null,
          action: 'bootstrap',
          entity: 'alliance',
          entityId: String(alliance.id),
          detail: { code, admin: admin.username },
        });
        return { alliance, admin: { id: admin.id, username: admin.username } };
      });
    } catch (err) {
      if (isDuplicateKey(err)) throw new ConflictException('联盟代码或用户名已存在');
      throw err;
    }
  }

  async allianceOrThrow(id: number): Promise<Alliance> {
    const a = await this.ds.getRepository(Alliance).findOneBy({ id });
    if (!a) throw new NotFoundException('联盟不存在');
    return a;
  }

  async schoolOrThrow(id: number): Promise<School> {
    const s = await this.ds.getRepository(School).findOneBy({ id });
    if (!s) throw new NotFoundException('学校不存在');
    return s;
  }

  async getAlliance(actor: Actor, id: number) {
    assertScope(actor.belongsTo(id), '无权查看该联盟');
    const a = await this.allianceOrThrow(id);
    return { id: a.id, name: a.name, code: a.code, createdAt: a.createdAt };
  }

  async createSchool(actor: Actor, allianceId: number, body: CreateSchoolBody) {
    assertScope(actor.isAdminOf(allianceId), '只有本联盟管理员可以添加学校');
    await this.allianceOrThrow(allianceId);
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
    const repo = this.ds.getRepository(School);
    if (await repo.existsBy({ allianceId, code })) throw new ConflictException(`学校代码 ${code} 已存在`);
    try {
      const s = await repo.save({
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
    const schools = await this.ds.getRepository(School).find({ where: { allianceId }, order: { id: 'ASC' } });
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
    const school = await this.schoolOrThrow(schoolId);
    assertScope(actor.isAdminOf(school.allianceId), '只有本联盟管理员可以添加班级');
    const grade = text(body?.grade);
    const names = Array.isArray(body?.names) ? body.names.map(text) : null;
    const errors: string[] = [];
    if (!names || names.length === 0) errors.push('请提供至少一个班级名称（names）');
    else if (names.length > 200) errors.push('一次最多添加 200 个班级');
    else names.forEach((n, i) => (!n || n.length > 60) && errors.push(`第${i + 1}个班级名称为空或超过 60 个字`));
    if (grade.length > 20) errors.push('年级最多 20 个字');
    if (errors.length) invalid(errors);
    const repo = this.ds.getRepository(SchoolClass);
    const known = new Set((await repo.findBy({ schoolId })).map((c) => normalizeClassName(c.name)));
    const toAdd: string[] = [];
    for (const n of names!) {
      if (known.has(normalizeClassName(n))) continue;
      known.add(normalizeClassName(n));
      toAdd.push(n);
    }
    // INSERT IGNORE: a concurrent request adding the same class is not an error (idempotent by name).
    if (toAdd.length)
      await repo
        .createQueryBuilder()
        .insert()
        .into(SchoolClass)
        .values(toAdd.map((name) => ({ schoolId, name, grade })))
        .orIgnore()
        .execute();
    return { created: toAdd, classes: await this.classesOf(schoolId) };
  }

  /** Classes of a school with head counts: admin, or the school's principal or scanner. */
  async listClasses(actor: Actor, schoolId: number) {
    const school = await this.schoolOrThrow(schoolId);
    assertScope(
      actor.canActForSchool(Role.Principal, school.allianceId, schoolId) ||
        actor.canActForSchool(Role.Scanner, school.allianceId, schoolId),
      '无权查看该校班级',
    );
    return this.classesOf(schoolId);
  }

  private async classesOf(schoolId: number) {
    const rows: { id: number; name: string; grade: string; studentCount: string }[] = await this.ds.query(
      'SELECT c.id, c.name, c.grade, COUNT(s.id) AS studentCount FROM school_class c LEFT JOIN student s ON s.class_id = c.id WHERE c.school_id = ? GROUP BY c.id, c.name, c.grade',
      [schoolId],
    );
    return rows
      .map((r) => ({ id: Number(r.id), name: r.name, grade: r.grade, studentCount: Number(r.studentCount) }))
      .sort((a, b) => collator.compare(a.name, b.name));
  }

  async createUser(actor: Actor, allianceId: number, body: CreateUserBody) {
    assertScope(actor.isAdminOf(allianceId), '只有本联盟管理员可以添加账号');
    await this.allianceOrThrow(allianceId);
    const schoolIds = new Set(
      (await this.ds.getRepository(School).find({ where: { allianceId }, select: { id: true } })).map((s) => s.id),
    );
    const v = validateNewUser(body ?? {}, schoolIds);
    if (!v.ok) invalid(v.errors);
    const input = v.user;
    if (await this.ds.getRepository(User).existsBy({ username: input.username }))
      throw new ConflictException('用户名已存在');
    const passwordHash = await AuthService.hashPassword(input.password);
    try {
      const user = await this.ds.transaction(async (m) => {
        const u = await m
          .getRepository(User)
          .save({ username: input.username, displayName: input.displayName, passwordHash, allianceId, active: true });
        await m.getRepository(UserRole).insert(
          input.roles.map((r) => ({
            userId: u.id,
            role: r.role as Role,
            allianceId,
            schoolId: r.schoolId,
            subject: r.subject,
          })),
        );
        await m.getRepository(AuditLog).insert({
          userId: actor.userId,
          action: 'create',
          entity: 'user',
          entityId: String(u.id),
          detail: { username: u.username, roles: input.roles },
        });
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

  /** Accounts holding a role in the alliance (or registered to it), with those roles. Never the password hash. */
  async listUsers(actor: Actor, allianceId: number) {
    assertScope(actor.isAdminOf(allianceId), '只有本联盟管理员可以查看账号列表');
    const roles = await this.ds.getRepository(UserRole).findBy({ allianceId });
    const ids = new Set(roles.map((r) => r.userId));
    const users = await this.ds.getRepository(User).find({
      where: [{ allianceId }, ...(ids.size ? [{ id: In([...ids]) }] : [])],
      select: { id: true, username: true, displayName: true, active: true, createdAt: true },
      order: { id: 'ASC' },
    });
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
