// 缺考 marks by the scanner of the student's school: refused for a student with a read sheet; a page of a student
// marked absent is not read until the mark is withdrawn, and then it is read again (in the worker).
import { ScoreVersionRepository } from '../results/score-version.repository.js';
import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { assertScope, type Actor } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import { parseOptionalId } from '../common/parse-id.js';
import { Role } from '../common/role.js';
import { UnitOfWork } from '../database/unit-of-work.js';
import { IMPORTED_EXAM_REFUSAL } from '../exams/domain/results-import.js';
import { ExamStatus, type Exam } from '../exams/entities/exam.entity.js';
import type { Paper } from '../exams/entities/paper.entity.js';
import { ExamAccess } from '../exams/exam-access.js';
import type { Student } from '../org/entities/student.entity.js';
import { StudentRepository } from '../org/student.repository.js';
import { Pipeline } from '../queue/pipeline.js';
import { PageStatus } from './entities/scanned-page.entity.js';
import { ExamAbsenceRepository } from './exam-absence.repository.js';
import { ResultsRefreshService } from './results-refresh.service.js';
import { ScanAccess } from './scan-access.js';
import { ScannedPageRepository } from './scanned-page.repository.js';

interface Target {
  exam: Exam;
  paper: Paper;
  student: Student;
}

@Injectable()
export class ExamAbsencesService {
  constructor(
    @Inject(ExamAccess) private readonly exams: ExamAccess,
    @Inject(ScanAccess) private readonly access: ScanAccess,
    @Inject(StudentRepository) private readonly students: StudentRepository,
    @Inject(ScannedPageRepository) private readonly pages: ScannedPageRepository,
    @Inject(ExamAbsenceRepository) private readonly absences: ExamAbsenceRepository,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
    @Inject(ResultsRefreshService) private readonly results: ResultsRefreshService,
    @Inject(UnitOfWork) private readonly uow: UnitOfWork,
    @Inject(Pipeline) private readonly pipeline: Pipeline,
    @Inject(ScoreVersionRepository) private readonly versions: ScoreVersionRepository,
  ) {}

  /** 缺考: the student did not sit the paper. Refused while a page of the paper is read for them. */
  markAbsent(actor: Actor, examId: number, body: { studentId?: unknown; paperId?: unknown } | undefined) {
    return this.mark(actor, examId, body, false);
  }

  /**
   * 缺考 from an examination room's list (candidates/): the caller has checked that the actor invigilates the room
   * the student sits in (a proctor of another school's room may mark them); everything else is as markAbsent.
   */
  markAbsentInRoom(actor: Actor, examId: number, body: { studentId: number; paperId: number }) {
    return this.mark(actor, examId, body, true);
  }

  private async mark(
    actor: Actor,
    examId: number,
    body: { studentId?: unknown; paperId?: unknown } | undefined,
    roomChecked: boolean,
  ) {
    const { exam, paper, student } = await this.target(actor, examId, body?.studentId, body?.paperId, roomChecked);
    const read = await this.pages.findRead({ examId: exam.id, paperId: paper.id, studentId: student.id });
    if (read)
      throw new ConflictException(
        `考号 ${student.examNo} 已有识别成功的答卷（${read.originalName || '另一张扫描图像'}），不能标记缺考`,
      );
    const changed = await this.uow.runOrm(async (tx) => {
      const marked = await this.absences.mark(tx, {
        examId: exam.id,
        paperId: paper.id,
        schoolId: student.schoolId,
        studentId: student.id,
        markedBy: actor.userId,
      });
      if (marked) await this.audit.record(this.entry(actor, 'mark_absent', { exam, paper, student }, true), tx);
      if (marked) await this.versions.bump(tx, exam.id);
      return marked;
    });
    if (changed) await this.results.afterFix(exam.id);
    return { examId: exam.id, paperId: paper.id, studentId: student.id, examNo: student.examNo, absent: true, changed };
  }

  /** Undoes a 缺考 mark; pages refused because of it are queued to be read again. */
  async unmarkAbsent(actor: Actor, examId: number, rawStudentId: unknown, rawPaperId: unknown) {
    const { exam, paper, student } = await this.target(actor, examId, rawStudentId, rawPaperId);
    const changed = await this.uow.runOrm(async (tx) => {
      const unmarked = await this.absences.unmark(tx, paper.id, student.id);
      if (unmarked) await this.audit.record(this.entry(actor, 'unmark_absent', { exam, paper, student }, false), tx);
      if (unmarked) await this.versions.bump(tx, exam.id);
      return unmarked;
    });
    const refused = (await this.pages.refusedAsAbsent(exam.id, student)).map((p) => p.id);
    await this.pages.queueForReread(refused);
    const queued = await this.pipeline.pagesFixed(refused, actor.userId);
    if (changed) await this.results.afterFix(exam.id);
    return {
      examId: exam.id,
      paperId: paper.id,
      studentId: student.id,
      examNo: student.examNo,
      absent: false,
      changed,
      reread: refused.map((pageId) => ({ pageId, status: PageStatus.Queued })),
      ...(queued ? {} : { queueDelayed: true as const }),
    };
  }

  private entry(actor: Actor, action: string, t: Target, absent: boolean) {
    return {
      userId: actor.userId,
      action,
      entity: 'student',
      entityId: String(t.student.id),
      detail: {
        examId: t.exam.id,
        paperId: t.paper.id,
        schoolId: t.student.schoolId,
        before: { absent: !absent },
        after: { absent },
      },
    };
  }

  private async target(
    actor: Actor,
    examId: number,
    rawStudentId: unknown,
    rawPaperId: unknown,
    roomChecked = false,
  ): Promise<Target> {
    const exam = await this.exams.forActor(actor, examId);
    const studentId = parseOptionalId(rawStudentId, '考生编号');
    if (studentId === null) throw new BadRequestException('请指定考生（studentId）');
    const student = await this.students.findById(studentId);
    if (!student || student.allianceId !== exam.allianceId) throw new NotFoundException('名单中没有该考生');
    if (!roomChecked)
      assertScope(
        actor.canActForSchool(Role.Scanner, exam.allianceId, student.schoolId),
        '无权为其他学校的考生登记缺考',
      );
    if (exam.status === ExamStatus.Published) throw new BadRequestException('该考试成绩已发布，不能再修改缺考登记');
    if (exam.status === ExamStatus.Imported) throw new BadRequestException(IMPORTED_EXAM_REFUSAL);
    return { exam, student, paper: await this.access.paperOf(exam, rawPaperId) };
  }
}
