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
import { validateAllianceFields, validateSchoolFields } from './domain/org-input.js';
import { setupSteps } from './domain/setup-steps.js';
import type { AllianceBody, BootstrapAllianceInput, CreateClassesBody, CreateSchoolBody } from './dto/org.dto.js';
import { Alliance } from './entities/alliance.entity.js';
import { Locality, SchoolKind } from './entities/school.entity.js';
import { OrgAccess } from './org-access.js';
import { SchoolClassRepository } from './school-class.repository.js';
import { SchoolRepository } from './school.repository.js';
import { StudentRepository } from './student.repository.js';
import { ExamRepository } from '../exams/exam.repository.js';
import { ExamStatus } from '../exams/entities/exam.entity.js';

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
    @Inject(StudentRepository) private readonly students: StudentRepository,
    @Inject(ExamRepository) private readonly exams: ExamRepository,
  ) {}

  /** Creates an alliance and its first admin, without HTTP (CLI and demo). */
  async bootstrapAlliance(
    input: BootstrapAllianceInput,
  ): Promise<{ alliance: Alliance; admin: { id: number; username: string } }> {
    const fields = validateAllianceFields(input);
    const errors: string[] = fields.ok ? [] : [...fields.errors];
    const { name, code } = fields.ok ? fields.value : { name: '', code: '' };
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

  /** The admin renames the alliance or changes its code. */
  async updateAlliance(actor: Actor, id: number, body: AllianceBody) {
    assertScope(actor.isAdminOf(id), '只有本联盟管理员可以修改联盟信息');
    await this.access.alliance(id);
    const v = validateAllianceFields(body ?? {});
    if (!v.ok) invalid(v.errors);
    if (await this.alliances.codeTakenByOther(v.value.code, id))
      throw new ConflictException(`联盟代码 ${v.value.code} 已被其他联盟使用`);
    await this.alliances.update(id, v.value);
    await this.audit.record({
      userId: actor.userId,
      action: 'update',
      entity: 'alliance',
      entityId: String(id),
      detail: v.value,
    });
    return this.getAlliance(actor, id);
  }

  async createSchool(actor: Actor, allianceId: number, body: CreateSchoolBody) {
    assertScope(actor.isAdminOf(allianceId), '只有本联盟管理员可以添加学校');
    await this.access.alliance(allianceId);
    const v = validateSchoolFields(body ?? {});
    if (!v.ok) invalid(v.errors);
    const { name, code, kind, locality } = v.value;
    if (await this.schools.codeTaken(allianceId, code)) throw new ConflictException(`学校代码 ${code} 已存在`);
    try {
      const s = await this.schools.create({
        allianceId,
        name,
        code,
        kind: kind as SchoolKind,
        locality: locality as Locality,
      });
      await this.audit.record({
        userId: actor.userId,
        action: 'create',
        entity: 'school',
        entityId: String(s.id),
        detail: v.value,
      });
      return { id: s.id, allianceId, name, code, kind: s.kind, locality: s.locality };
    } catch (err) {
      if (isDuplicateKey(err)) throw new ConflictException(`学校代码 ${code} 已存在`);
      throw err;
    }
  }

  /** The admin edits a school's name, code, kind (龙头校/成员校/对照校) or locality (城区/乡村). */
  async updateSchool(actor: Actor, schoolId: number, body: CreateSchoolBody) {
    const school = await this.access.school(schoolId);
    assertScope(actor.isAdminOf(school.allianceId), '只有本联盟管理员可以修改学校');
    const v = validateSchoolFields(body ?? {});
    if (!v.ok) invalid(v.errors);
    const { name, code, kind, locality } = v.value;
    if (await this.schools.codeTakenByOther(school.allianceId, code, schoolId))
      throw new ConflictException(`学校代码 ${code} 已存在`);
    try {
      await this.schools.update(schoolId, { name, code, kind: kind as SchoolKind, locality: locality as Locality });
    } catch (err) {
      if (isDuplicateKey(err)) throw new ConflictException(`学校代码 ${code} 已存在`);
      throw err;
    }
    const detail = {
      before: { name: school.name, code: school.code, kind: school.kind, locality: school.locality },
      after: v.value,
    };
    await this.audit.record({
      userId: actor.userId,
      action: 'update',
      entity: 'school',
      entityId: String(schoolId),
      detail,
    });
    return { id: schoolId, allianceId: school.allianceId, name, code, kind, locality };
  }

  /** The admin's setup checklist, computed from what the alliance holds (domain/setup-steps.ts). */
  async setupStatus(actor: Actor, allianceId: number) {
    assertScope(actor.isAdminOf(allianceId), '只有本联盟管理员可以查看设置进度');
    await this.access.alliance(allianceId);
    const [schools, classes, students, grants, exams] = await Promise.all([
      this.schools.ofAlliance(allianceId),
      this.classes.countsBySchool(allianceId),
      this.students.countsBySchool(allianceId),
      this.users.grantsInAlliance(allianceId),
      this.exams.ofAlliance(allianceId),
    ]);
    const admins = new Set(grants.filter((g) => g.role === Role.Admin).map((g) => g.userId));
    const staffUsers = new Set(grants.filter((g) => !admins.has(g.userId)).map((g) => g.userId)).size;
    const counts = schools.map((s) => ({
      id: s.id,
      name: s.name,
      classes: classes.get(s.id) ?? 0,
      students: students.get(s.id) ?? 0,
    }));
    const steps = setupSteps({
      schools: counts,
      staffUsers,
      exams: exams.filter((e) => e.status !== ExamStatus.Imported).length,
    });
    return { steps, schools: counts };
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
