import { ScoreVersionRepository } from '../results/score-version.repository.js';
import { BadRequestException, ConflictException, Inject, Injectable } from '@nestjs/common';
import { Actor, assertScope } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import { isDuplicateKey } from '../database/errors.js';
import { type Tx, UnitOfWork } from '../database/unit-of-work.js';
import type { UploadedRosterFile } from '../org/dto/org.dto.js';
import { OrgAccess } from '../org/org-access.js';
import { readRosterFile, RosterFileError } from '../org/roster-file.js';
import { StudentRepository } from '../org/student.repository.js';
import { StudentResultRepository } from '../results/student-result.repository.js';
import { validateExam, type ValidExam } from './domain/exam-settings.js';
import { uploadedFileName } from './domain/upload-name.js';
import {
  type ImportedRow,
  type ImportedSubject,
  parseFullMarksField,
  parseStatedReliability,
  parseSubjectReliabilities,
  resultsFingerprint,
  type StatedReliability,
  type SubjectReliability,
  validateResultsImport,
  type RosterEntry,
} from './domain/results-import.js';
import { Exam, ExamStatus } from './entities/exam.entity.js';
import { Paper, PaperStatus } from './entities/paper.entity.js';
import { ExamAccess, examChecks } from './exam-access.js';
import { ExamRepository } from './exam.repository.js';
import { PaperRepository } from './paper.repository.js';

export interface ImportResultsBody {
  name?: unknown;
  grade?: unknown;
  examDate?: unknown;
  /** Full marks of subjects whose header does not give them: "100" or "数学=100；语文=120". */
  fullMarks?: unknown;
  /** The imported totals' reliability (0–1), when the source system reports one; optional. */
  reliability?: unknown;
  /** Where that reliability came from (free text, e.g. "原考试系统报告 α"); required with `reliability`. */
  reliabilitySource?: unknown;
  /**
   * Reliability per subject, a JSON list `[{"subject":"数学","reliability":0.85,"source":"…"}]`; optional. A subject
   * without one keeps `reliability` (the exam's default).
   */
  subjectReliabilities?: unknown;
}

/** A results file read and checked against the roster: what is stored, all of it or nothing. */
interface ValidImport {
  exam: ValidExam;
  fileName: string;
  subjects: ImportedSubject[];
  rows: ImportedRow[];
  stated: StatedReliability | null;
  /** Stated per subject; subjects left out use `stated`. */
  bySubject: SubjectReliability[];
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
    @Inject(UnitOfWork) private readonly uow: UnitOfWork,
    @Inject(ExamAccess) private readonly access: ExamAccess,
    @Inject(ExamRepository) private readonly exams: ExamRepository,
    @Inject(PaperRepository) private readonly papers: PaperRepository,
    @Inject(StudentResultRepository) private readonly results: StudentResultRepository,
    @Inject(StudentRepository) private readonly students: StudentRepository,
    @Inject(OrgAccess) private readonly org: OrgAccess,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
    @Inject(ScoreVersionRepository) private readonly versions: ScoreVersionRepository,
  ) {}

  async importResults(
    actor: Actor,
    allianceId: number,
    body: ImportResultsBody | undefined,
    file: UploadedRosterFile | undefined,
  ) {
    assertScope(actor.isAdminOf(allianceId), '只有本联盟管理员可以导入历史成绩');
    await this.org.alliance(allianceId);
    const input = await this.readImport(allianceId, body, file);

    // The same results imported twice would make two prior exams to choose from: refused, naming the first one.
    const importHash = resultsFingerprint(input.subjects, input.rows);
    const already = () => this.exams.findImported(allianceId, importHash);
    const refuseDuplicate = (e: Exam): never => {
      throw new ConflictException(`这份成绩已经导入过：考试“${e.name}”，无需重复导入；如需更正，请修改成绩后再导入`);
    };
    const earlier = await already();
    if (earlier) refuseDuplicate(earlier);

    const saved = await this.uow
      .runOrm((tx) => this.store(tx, actor, allianceId, input, importHash))
      .catch(async (err: unknown) => {
        // two identical imports at once: the unique key lets one through
        const dup = isDuplicateKey(err) ? await already() : null;
        if (dup) refuseDuplicate(dup);
        throw err;
      });
    return {
      examId: saved.exam.id,
      name: saved.exam.name,
      grade: saved.exam.grade,
      examDate: saved.exam.examDate,
      status: ExamStatus.Imported,
      students: input.rows.length,
      absent: saved.absent,
      papers: saved.papers.map((p) => ({
        id: p.id,
        subject: p.subject,
        fullMarks: p.fullMarks,
        reliability: p.statedReliability ?? null,
        reliabilitySource: p.statedReliabilitySource ?? null,
      })),
      reliability: input.stated?.reliability ?? null,
      reliabilitySource: input.stated?.source ?? null,
    };
  }

  /** The exam's settings and the file's rows, checked against the alliance's roster; a 400 naming every error. */
  private async readImport(
    allianceId: number,
    body: ImportResultsBody | undefined,
    file: UploadedRosterFile | undefined,
  ): Promise<ValidImport> {
    // Earlier exams' grade may be missing or written any way: kept as written, the year read where it can be.
    const settings = validateExam(
      { name: body?.name, grade: body?.grade, examDate: body?.examDate },
      { requireGrade: false },
    );
    const fullMarks = parseFullMarksField(body?.fullMarks);
    const stated = parseStatedReliability(body?.reliability, body?.reliabilitySource);
    const early = [
      ...(settings.ok ? [] : settings.errors),
      ...(typeof fullMarks === 'string' ? [fullMarks] : []),
      ...(Array.isArray(stated) ? stated : []),
    ];
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
    const studentsByExamNo = new Map<string, RosterEntry>(
      (await this.students.findByExamNos(allianceId, candidates)).map((s) => [
        s.examNo,
        { id: s.id, name: s.name, schoolId: s.schoolId },
      ]),
    );
    const result = validateResultsImport(rows, { studentsByExamNo, fullMarks: fullMarks as Map<string, number> });
    if (!result.ok) importFailed(result.errors);
    const bySubject = parseSubjectReliabilities(
      body?.subjectReliabilities,
      result.subjects.map((s) => s.subject),
    );
    if (bySubject.some((b) => typeof b === 'string')) importFailed(bySubject as string[]);
    return {
      exam: settings.ok ? settings.exam : null!,
      fileName,
      subjects: result.subjects,
      rows: result.rows,
      stated: stated as StatedReliability | null,
      bySubject: bySubject as SubjectReliability[],
    };
  }

  /** The imported exam, a locked paper per subject, every total (blank = 缺考), and the audit row. */
  private async store(tx: Tx, actor: Actor, allianceId: number, input: ValidImport, importHash: string) {
    const { exam, subjects, rows } = input;
    const e = await this.exams.create(tx, {
      allianceId,
      ...exam,
      status: ExamStatus.Imported,
      importHash,
      statedReliability: input.stated?.reliability ?? null,
      statedReliabilitySource: input.stated?.source ?? null,
    });
    await this.versions.bump(tx, e.id);
    const papers: Paper[] = [];
    for (const s of subjects) {
      const own = input.bySubject.find((b) => b.subject === s.subject);
      papers.push(
        await this.papers.create(tx, {
          examId: e.id,
          subject: s.subject,
          title: `${exam.name}（${s.subject}）`,
          fullMarks: s.fullMarks,
          status: PaperStatus.Locked,
          layout: null,
          statedReliability: own?.reliability ?? null,
          statedReliabilitySource: own?.source ?? null,
        }),
      );
    }
    const resultRows = rows.flatMap((r) =>
      papers.map((p, j) => ({
        examId: e.id,
        paperId: p.id,
        studentId: r.studentId,
        schoolId: r.schoolId,
        total: r.totals[j],
        absent: r.totals[j] === null,
      })),
    );
    await this.results.insertImported(tx, resultRows);
    const absent = resultRows.filter((r) => r.absent).length;
    await this.audit.record(
      {
        userId: actor.userId,
        action: 'import',
        entity: 'exam_results',
        entityId: String(e.id),
        detail: {
          name: exam.name,
          file: input.fileName,
          students: rows.length,
          subjects,
          absent,
          ...(input.stated && { reliability: input.stated.reliability, reliabilitySource: input.stated.source }),
          ...(input.bySubject.length && { subjectReliabilities: input.bySubject }),
        },
      },
      tx,
    );
    return { exam: e, papers, absent };
  }

  /**
   * DELETE /api/exams/:id for an imported exam only (a wrong file, a wrong name): its papers and totals go, audited
   * with what was removed. Refused while another exam names it as its prior exam (纵看), so no analysis loses its
   * baseline unseen. Scanned exams are never deleted this way.
   */
  async deleteImported(actor: Actor, examId: number) {
    const exam = await this.access.forActor(actor, examId, examChecks.admin, '只有本联盟管理员可以删除导入的历史成绩');
    if (exam.status !== ExamStatus.Imported)
      throw new BadRequestException('只能删除“历史成绩导入”形成的考试；正式考试的数据不能删除');
    return this.uow.runOrm(async (tx) => {
      // locked, so that no exam can be linked to it between the check and the delete
      await this.exams.lockExclusive(tx, exam.id);
      const linked = await this.exams.linkedAsPrior(tx, exam.id);
      if (linked.length) {
        throw new ConflictException(
          `考试${linked.map((e) => `“${e.name}”`).join('、')}以它作为纵向比较的上次考试，请先在这些考试的纵看设置中改选或取消，再删除`,
        );
      }
      const papers = await this.papers.subjectsOf(tx, exam.id);
      const results = await this.results.countForExam(tx, exam.id);
      await this.results.deleteForExam(tx, exam.id);
      await this.papers.deleteMany(
        tx,
        papers.map((p) => p.id),
      );
      await this.exams.delete(tx, exam.id);
      await this.audit.record(
        {
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
        },
        tx,
      );
      return { examId: exam.id, name: exam.name, deleted: true, results };
    });
  }
}
