import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { Actor, assertScope } from '../common/actor.js';
import { AuditLog } from '../common/entities/audit-log.entity.js';
import type { UploadedRosterFile } from '../org/dto/org.dto.js';
import { Student } from '../org/entities/student.entity.js';
import { OrgAccess } from '../org/org-access.js';
import { readRosterFile, RosterFileError } from '../org/roster-file.js';
import { StudentResult } from '../results/entities/student-result.entity.js';
import { validateExam } from './domain/exam-settings.js';
import { uploadedFileName } from './domain/upload-name.js';
import {
  parseFullMarksField,
  resultsFingerprint,
  validateResultsImport,
  type RosterEntry,
} from './domain/results-import.js';
import { Exam, ExamStatus } from './entities/exam.entity.js';
import { Paper, PaperStatus } from './entities/paper.entity.js';

const CHUNK = 500;

export interface ImportResultsBody {
  name?: unknown;
  grade?: unknown;
  examDate?: unknown;
  /** Full marks of subjects whose header does not give them: "100" or "数学=100；语文=120". */
  fullMarks?: unknown;
}

function importFailed(errors: string[]): never {
  throw new BadRequestException({ statusCode: 400, message: `成绩导入失败，共${errors.length}处错误`, errors });
}

/**
 * 历史成绩导入: an earlier exam's totals from a spreadsheet become an exam with status 'imported' (one locked paper
 * per subject with its full marks and no items, one student_result per row and subject; blank = 缺考), so that a
 * later exam can name it as its prior exam (纵看). All-or-nothing; every bad row is reported; audited.
 */
@Injectable()
export class ResultsImportService {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(OrgAccess) private readonly org: OrgAccess,
  ) {}

  async importResults(
    actor: Actor,
    allianceId: number,
    body: ImportResultsBody | undefined,
    file: UploadedRosterFile | undefined,
  ) {
    assertScope(actor.isAdminOf(allianceId), '只有本联盟管理员可以导入历史成绩');
    await this.org.alliance(allianceId);
    const settings = validateExam({ name: body?.name, grade: body?.grade, examDate: body?.examDate });
    const fullMarks = parseFullMarksField(body?.fullMarks);
    const early = [...(settings.ok ? [] : settings.errors), ...(typeof fullMarks === 'string' ? [fullMarks] : [])];
    if (!file?.buffer) early.push('请选择要上传的成绩文件（表单字段 file，.csv 或 .xlsx）');
    if (early.length) importFailed(early);

    const fileName = uploadedFileName(file!.originalname ?? '');
    let rows;
    try {
      rows = await readRosterFile(file!.buffer, fileName);
    } catch (err) {
      if (err instanceof RosterFileError) importFailed([err.message]);
      throw err;
    }

    // Only the exam numbers the file mentions are looked up (a county alliance has tens of thousands of students).
    const candidates = [
      ...new Set(
        rows.flatMap((r) => r.cells.map((c) => (c ?? '').normalize('NFKC').trim()).filter((c) => /^\d{4,12}$/.test(c))),
      ),
    ];
    const studentsByExamNo = new Map<string, RosterEntry>();
    for (let i = 0; i < candidates.length; i += CHUNK) {
      const found = await this.ds.getRepository(Student).find({
        where: { allianceId, examNo: In(candidates.slice(i, i + CHUNK)) },
        select: { id: true, examNo: true, name: true, schoolId: true },
      });
      for (const s of found) studentsByExamNo.set(s.examNo, { id: s.id, name: s.name, schoolId: s.schoolId });
    }
    const result = validateResultsImport(rows, { studentsByExamNo, fullMarks: fullMarks as Map<string, number> });
    if (!result.ok) importFailed(result.errors);
    const exam = settings.ok ? settings.exam : null!;

    // The same results imported twice would make two prior exams to choose from: refused, naming the first one.
    const importHash = resultsFingerprint(result.subjects, result.rows);
    const already = () => this.ds.getRepository(Exam).findOneBy({ allianceId, importHash });
    const refuseDuplicate = (e: Exam): never => {
      throw new ConflictException(
        `这份成绩已经导入过：考试“${e.name}”（编号 ${e.id}），无需重复导入；如需更正，请修改成绩后再导入`,
      );
    };
    const earlier = await already();
    if (earlier) refuseDuplicate(earlier);

    const saved = await this.ds
      .transaction(async (m) => {
        const e = await m.getRepository(Exam).save({ allianceId, ...exam, status: ExamStatus.Imported, importHash });
        const papers: Paper[] = [];
        for (const s of result.subjects) {
          papers.push(
            await m.getRepository(Paper).save({
              examId: e.id,
              subject: s.subject,
              title: `${exam.name}（${s.subject}）`,
              fullMarks: s.fullMarks,
              status: PaperStatus.Locked,
              layout: null,
            }),
          );
        }
        const resultRows = result.rows.flatMap((r) =>
          papers.map((p, j) => ({
            examId: e.id,
            paperId: p.id,
            studentId: r.studentId,
            schoolId: r.schoolId,
            total: r.totals[j],
            absent: r.totals[j] === null,
          })),
        );
        for (let i = 0; i < resultRows.length; i += CHUNK)
          await m.getRepository(StudentResult).insert(resultRows.slice(i, i + CHUNK));
        const absent = resultRows.filter((r) => r.absent).length;
        await m.getRepository(AuditLog).insert({
          userId: actor.userId,
          action: 'import',
          entity: 'exam_results',
          entityId: String(e.id),
          detail: { name: exam.name, file: fileName, students: result.rows.length, subjects: result.subjects, absent },
        });
        return { exam: e, papers, absent };
      })
      .catch(async (err: unknown) => {
        // two identical imports at once: the unique key lets one through
        const dup =
          (err as { driverError?: { code?: string } }).driverError?.code === 'ER_DUP_ENTRY' ? await already() : null;
        if (dup) refuseDuplicate(dup);
        throw err;
      });
    return {
      examId: saved.exam.id,
      name: saved.exam.name,
      grade: saved.exam.grade,
      examDate: saved.exam.examDate,
      status: ExamStatus.Imported,
      students: result.rows.length,
      absent: saved.absent,
      papers: saved.papers.map((p) => ({ id: p.id, subject: p.subject, fullMarks: p.fullMarks })),
    };
  }

  /**
   * DELETE /api/exams/:id for an imported exam only (a wrong file, a wrong name): its papers and totals go, audited
   * with what was removed. Refused while another exam names it as its prior exam (纵看), so no analysis loses its
   * baseline unseen. Scanned exams are never deleted this way.
   */
  async deleteImported(actor: Actor, examId: number) {
    const exam = await this.ds.getRepository(Exam).findOneBy({ id: examId });
    if (!exam) throw new NotFoundException('考试不存在');
    assertScope(actor.isAdminOf(exam.allianceId), '只有本联盟管理员可以删除导入的历史成绩');
    if (exam.status !== ExamStatus.Imported)
      throw new BadRequestException('只能删除“历史成绩导入”形成的考试；正式考试的数据不能删除');
    return this.ds.transaction(async (m) => {
      // locked, so that no exam can be linked to it between the check and the delete
      await m
        .getRepository(Exam)
        .createQueryBuilder('e')
        .setLock('pessimistic_write')
        .where('e.id = :id', { id: exam.id })
        .getOne();
      const linked = await m
        .getRepository(Exam)
        .find({ where: { priorExamId: exam.id }, select: { id: true, name: true }, order: { id: 'ASC' } });
      if (linked.length) {
        throw new ConflictException(
          `考试${linked.map((e) => `“${e.name}”（编号 ${e.id}）`).join('、')}以它作为纵向比较的上次考试，请先在这些考试的纵看设置中改选或取消，再删除`,
        );
      }
      const papers = await m
        .getRepository(Paper)
        .find({ where: { examId: exam.id }, select: { id: true, subject: true } });
      const results = await m.getRepository(StudentResult).countBy({ examId: exam.id });
      await m.getRepository(StudentResult).delete({ examId: exam.id });
      if (papers.length) await m.getRepository(Paper).delete({ id: In(papers.map((p) => p.id)) });
      await m.getRepository(Exam).delete({ id: exam.id });
      await m.getRepository(AuditLog).insert({
        userId: actor.userId,
        action: 'delete',
        entity: 'exam_results',
        entityId: String(exam.id),
        detail: {
          name: exam.name,
          grade: exam.grade,
          examDate: exam.examDate,
          subjects: papers.map((p) => p.subject),
          results,
        },
      });
      return { examId: exam.id, name: exam.name, deleted: true, results };
    });
  }
}
