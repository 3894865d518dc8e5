import { BadRequestException, ConflictException, Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Role } from '../common/role.js';
import { Actor, assertScope } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import { isDuplicateKey, isRestricted } from '../database/errors.js';
import { UnitOfWork } from '../database/unit-of-work.js';
import { type SheetRow, validateRoster } from './domain/roster.js';
import { diffRoster, planIsEmpty, planKey, type RosterPlan } from './domain/roster-diff.js';
import { ExamAbsenceRepository } from '../scans/exam-absence.repository.js';
import { ExamViolationRepository } from '../candidates/exam-violation.repository.js';
import { ScannedPageRepository } from '../scans/scanned-page.repository.js';
import { StudentResultRepository } from '../results/student-result.repository.js';
import type { UploadedRosterFile } from './dto/org.dto.js';
import type { School } from './entities/school.entity.js';
import { OrgAccess } from './org-access.js';
import { readRosterFile, RosterFileError } from './roster-file.js';
import { SchoolClassRepository } from './school-class.repository.js';
import { StudentRepository } from './student.repository.js';

const collator = new Intl.Collator('zh-CN', { numeric: true });

function rosterFailed(errors: string[]): never {
  throw new BadRequestException({ statusCode: 400, message: `名单导入失败，共${errors.length}处错误`, errors });
}

/** Student rosters: all-or-nothing import from CSV/XLSX, and the school's list (an audited read of children's data). */
@Injectable()
export class RosterService {
  constructor(
    @Inject(UnitOfWork) private readonly uow: UnitOfWork,
    @Inject(OrgAccess) private readonly access: OrgAccess,
    @Inject(SchoolClassRepository) private readonly classes: SchoolClassRepository,
    @Inject(StudentRepository) private readonly students: StudentRepository,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
    @Inject(ScannedPageRepository) private readonly pages: ScannedPageRepository,
    @Inject(ExamAbsenceRepository) private readonly absences: ExamAbsenceRepository,
    @Inject(StudentResultRepository) private readonly results: StudentResultRepository,
    @Inject(ExamViolationRepository) private readonly violations: ExamViolationRepository,
  ) {}

  async importRoster(
    actor: Actor,
    schoolId: number,
    file: UploadedRosterFile | undefined,
  ): Promise<{ imported: number }> {
    const school = await this.access.school(schoolId);
    assertScope(
      actor.canActForSchool(Role.Scanner, school.allianceId, schoolId),
      '只有本联盟管理员或本校扫描员可以导入名单',
    );
    if (!file?.buffer) rosterFailed(['请选择要上传的名单文件（表单字段 file，.csv 或 .xlsx）']);

    let rows;
    try {
      rows = await readRosterFile(file.buffer, file.originalname ?? '');
    } catch (err) {
      if (err instanceof RosterFileError) rosterFailed([err.message]);
      throw err;
    }
    const students = await this.validStudents(school, rows);
    try {
      await this.uow.runOrm(async (tx) => {
        await this.students.insertMany(
          tx,
          students.map((s) => ({ allianceId: school.allianceId, schoolId, ...s })),
        );
        await this.audit.record(
          {
            userId: actor.userId,
            action: 'import',
            entity: 'roster',
            entityId: String(schoolId),
            detail: { students: students.length },
          },
          tx,
        );
      });
    } catch (err) {
      // Another import took one of these exam numbers between our check and the insert: nothing was stored.
      if (isDuplicateKey(err)) rosterFailed(['有考号刚被同时进行的另一次导入占用，本次未导入任何学生，请重新上传']);
      throw err;
    }
    return { imported: students.length };
  }

  /** The rows as students of the school's classes, or a 400 naming every bad row. */
  private async validStudents(school: School, rows: SheetRow[], ofThisSchool: ReadonlySet<string> = new Set()) {
    const classes = (await this.classes.ofSchool(school.id)).map((c) => ({ id: c.id, name: c.name }));
    // Only the exam numbers the file mentions are looked up (a county alliance has tens of thousands of students).
    const candidates = [
      ...new Set(rows.flatMap((r) => r.cells.map((c) => (c ?? '').trim()).filter((c) => /^\d{4,12}$/.test(c)))),
    ];
    // Numbers of this school's own students are matched (updated), not refused, when the roster is compared.
    const existing = new Set(
      (await this.students.findByExamNos(school.allianceId, candidates))
        .map((s) => s.examNo)
        .filter((n) => !ofThisSchool.has(n)),
    );
    const result = validateRoster(rows, {
      classes,
      existingExamNos: existing,
      examNoLength: await this.students.commonExamNoLength(school.allianceId),
    });
    if (!result.ok) rosterFailed(result.errors);
    return result.students.map((s) => ({ classId: s.classId, examNo: s.examNo, name: s.name }));
  }

  /** The school's students: admin, or that school's principal or scanner. Every read is audited. */
  async listStudents(actor: Actor, schoolId: number) {
    const school = await this.access.school(schoolId);
    assertScope(
      actor.canActForSchool(Role.Principal, school.allianceId, schoolId) ||
        actor.canActForSchool(Role.Scanner, school.allianceId, schoolId),
      '无权查看该校学生名单',
    );
    const rows = await this.students.listOfSchool(schoolId);
    await this.audit.record({
      userId: actor.userId,
      action: 'read',
      entity: 'student_list',
      entityId: String(schoolId),
      detail: { count: rows.length },
    });
    return rows.sort(
      (a, b) => collator.compare(a.className, b.className) || (a.examNo < b.examNo ? -1 : a.examNo > b.examNo ? 1 : 0),
    );
  }

  /** What the file would change in the school's list, nothing stored: every bad row (400), or the plan and its id. */
  async previewRoster(actor: Actor, schoolId: number, file: UploadedRosterFile | undefined) {
    const { school, plan } = await this.planFor(actor, schoolId, file);
    return this.describe(school, plan);
  }

  /**
   * Carries out the plan the person confirmed, all or nothing. The file is read again and compared with the current
   * list: if the plan is not the one previewed (`planId`), nothing is stored and the person previews again.
   */
  async applyRoster(actor: Actor, schoolId: number, file: UploadedRosterFile | undefined, planId: unknown) {
    const { school, plan } = await this.planFor(actor, schoolId, file);
    if (typeof planId !== 'string' || planId !== this.planId(plan))
      throw new ConflictException('预览之后学生名单已有变化，本次未做任何修改，请重新预览后再确认');
    try {
      await this.uow.runOrm(async (tx) => {
        const allianceId = school.allianceId;
        await this.students.insertMany(
          tx,
          plan.added.map((s) => ({ allianceId, schoolId, ...s })),
        );
        await this.students.updateMany(tx, plan.updated);
        await this.students.deleteMany(
          tx,
          schoolId,
          plan.removed.map((s) => s.id),
        );
        const detail = {
          added: plan.added.map((s) => s.examNo),
          updated: plan.updated.map((s) => ({ examNo: s.examNo, before: s.before, name: s.name, classId: s.classId })),
          removed: plan.removed.map((s) => ({ examNo: s.examNo, name: s.name, classId: s.classId })),
          kept: plan.kept.map((s) => s.examNo),
        };
        await this.audit.record(
          { userId: actor.userId, action: 'apply', entity: 'roster', entityId: String(schoolId), detail },
          tx,
        );
      });
    } catch (err) {
      if (isDuplicateKey(err)) rosterFailed(['有考号刚被同时进行的另一次导入占用，本次未做任何修改，请重新预览']);
      if (isRestricted(err))
        throw new ConflictException('要移除的学生刚有了答题卡或成绩，本次未做任何修改，请重新预览后再确认');
      throw err;
    }
    return {
      added: plan.added.length,
      updated: plan.updated.length,
      removed: plan.removed.length,
      kept: plan.kept.length,
    };
  }

  private async planFor(actor: Actor, schoolId: number, file: UploadedRosterFile | undefined) {
    const school = await this.access.school(schoolId);
    assertScope(
      actor.canActForSchool(Role.Scanner, school.allianceId, schoolId),
      '只有本联盟管理员或本校扫描员可以导入名单',
    );
    const rows = await this.rowsOf(file);
    const existing = await this.students.ofSchool(schoolId);
    const fileStudents = await this.validStudents(school, rows, new Set(existing.map((s) => s.examNo)));
    const ids = existing.map((s) => s.id);
    const withData = new Set([
      ...(await this.pages.studentsAmong(ids)),
      ...(await this.absences.studentsAmong(ids)),
      ...(await this.results.studentsAmong(ids)),
      ...(await this.violations.studentsAmong(ids)),
    ]);
    return { school, plan: diffRoster(fileStudents, existing, withData) };
  }

  private async rowsOf(file: UploadedRosterFile | undefined): Promise<SheetRow[]> {
    if (!file?.buffer) rosterFailed(['请选择要上传的名单文件（.csv 或 .xlsx）']);
    try {
      return await readRosterFile(file.buffer, file.originalname ?? '');
    } catch (err) {
      if (err instanceof RosterFileError) rosterFailed([err.message]);
      throw err;
    }
  }

  private planId(plan: RosterPlan): string {
    return createHash('sha256').update(planKey(plan)).digest('hex').slice(0, 32);
  }

  /** The plan as the page shows it: class names, not ids. */
  private async describe(school: School, plan: RosterPlan) {
    const className = new Map((await this.classes.ofSchool(school.id)).map((c) => [c.id, c.name]));
    const cls = (id: number) => className.get(id) ?? '';
    const row = (s: { examNo: string; name: string; classId: number }) => ({
      examNo: s.examNo,
      name: s.name,
      className: cls(s.classId),
    });
    return {
      planId: this.planId(plan),
      empty: planIsEmpty(plan),
      added: plan.added.map(row),
      updated: plan.updated.map((s) => ({
        ...row(s),
        before: { name: s.before.name, className: cls(s.before.classId) },
      })),
      removed: plan.removed.map(row),
      kept: plan.kept.map(row),
      unchanged: plan.unchanged,
      untouchedClasses: plan.untouchedClassIds.map(cls),
    };
  }
}
