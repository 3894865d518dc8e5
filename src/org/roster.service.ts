import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { Role } from '../common/role.js';
import { Actor, assertScope } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import { isDuplicateKey } from '../database/errors.js';
import { UnitOfWork } from '../database/unit-of-work.js';
import { type SheetRow, validateRoster } from './domain/roster.js';
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
  private async validStudents(school: School, rows: SheetRow[]) {
    const classes = (await this.classes.ofSchool(school.id)).map((c) => ({ id: c.id, name: c.name }));
    // Only the exam numbers the file mentions are looked up (a county alliance has tens of thousands of students).
    const candidates = [
      ...new Set(rows.flatMap((r) => r.cells.map((c) => (c ?? '').trim()).filter((c) => /^\d{4,12}$/.test(c)))),
    ];
    const existing = new Set((await this.students.findByExamNos(school.allianceId, candidates)).map((s) => s.examNo));
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
}
