import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { Role } from '../common/role.js';
import { Actor, assertScope } from '../common/actor.js';
import { AuditLog } from '../common/entities/audit-log.entity.js';
import { validateRoster } from './domain/roster.js';
import type { UploadedRosterFile } from './dto/org.dto.js';
import { SchoolClass } from './entities/school-class.entity.js';
import { Student } from './entities/student.entity.js';
import { isDuplicateKey, OrgService } from './org.service.js';
import { readRosterFile, RosterFileError } from './roster-file.js';

const CHUNK = 500;
const collator = new Intl.Collator('zh-CN', { numeric: true });

function rosterFailed(errors: string[]): never {
  throw new BadRequestException({ statusCode: 400, message: `名单导入失败，共${errors.length}处错误`, errors });
}

/** Student rosters: all-or-nothing import from CSV/XLSX, and the school's list (an audited read of children's data). */
@Injectable()
export class RosterService {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(OrgService) private readonly org: OrgService,
  ) {}

  async importRoster(
    actor: Actor,
    schoolId: number,
    file: UploadedRosterFile | undefined,
  ): Promise<{ imported: number }> {
    const school = await this.org.schoolOrThrow(schoolId);
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

    const classes = await this.ds
      .getRepository(SchoolClass)
      .find({ where: { schoolId }, select: { id: true, name: true } });
    const candidates = [
      ...new Set(rows.flatMap((r) => r.cells.map((c) => (c ?? '').trim()).filter((c) => /^\d{4,12}$/.test(c)))),
    ];
    const existing = new Set<string>();
    for (let i = 0; i < candidates.length; i += CHUNK) {
      const found = await this.ds.getRepository(Student).find({
        where: { allianceId: school.allianceId, examNo: In(candidates.slice(i, i + CHUNK)) },
        select: { examNo: true },
      });
      for (const s of found) existing.add(s.examNo);
    }
    const [lengthRow] = await this.ds.query(
      'SELECT CHAR_LENGTH(exam_no) AS len, COUNT(*) AS n FROM student WHERE alliance_id = ? GROUP BY CHAR_LENGTH(exam_no) ORDER BY n DESC LIMIT 1',
      [school.allianceId],
    );

    const result = validateRoster(rows, {
      classes,
      existingExamNos: existing,
      examNoLength: lengthRow ? Number(lengthRow.len) : null,
    });
    if (!result.ok) rosterFailed(result.errors);

    try {
      await this.ds.transaction(async (m) => {
        const repo = m.getRepository(Student);
        for (let i = 0; i < result.students.length; i += CHUNK) {
          await repo.insert(
            result.students.slice(i, i + CHUNK).map((s) => ({
              allianceId: school.allianceId,
              schoolId,
              classId: s.classId,
              examNo: s.examNo,
              name: s.name,
            })),
          );
        }
        await m.getRepository(AuditLog).insert({
          userId: actor.userId,
          action: 'import',
          entity: 'roster',
          entityId: String(schoolId),
          detail: { students: result.students.length },
        });
      });
    } catch (err) {
      // Another import took one of these exam numbers between our check and the insert: nothing was stored.
      if (isDuplicateKey(err)) rosterFailed(['有考号刚被同时进行的另一次导入占用，本次未导入任何学生，请重新上传']);
      throw err;
    }
    return { imported: result.students.length };
  }

  /** The school's students: admin, or that school's principal or scanner. Every read is audited. */
  async listStudents(actor: Actor, schoolId: number) {
    const school = await this.org.schoolOrThrow(schoolId);
    assertScope(
      actor.canActForSchool(Role.Principal, school.allianceId, schoolId) ||
        actor.canActForSchool(Role.Scanner, school.allianceId, schoolId),
      '无权查看该校学生名单',
    );
    const rows: { id: number; examNo: string; name: string; className: string }[] = await this.ds.query(
      'SELECT s.id, s.exam_no AS examNo, s.name, c.name AS className FROM student s JOIN school_class c ON c.id = s.class_id WHERE s.school_id = ?',
      [schoolId],
    );
    await this.ds.getRepository(AuditLog).insert({
      userId: actor.userId,
      action: 'read',
      entity: 'student_list',
      entityId: String(schoolId),
      detail: { count: rows.length },
    });
    return rows
      .map((r) => ({ id: Number(r.id), examNo: r.examNo, name: r.name, className: r.className }))
      .sort(
        (a, b) =>
          collator.compare(a.className, b.className) || (a.examNo < b.examNo ? -1 : a.examNo > b.examNo ? 1 : 0),
      );
  }
}
