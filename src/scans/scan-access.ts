// Who may see or fix which scans: every scans route asks here, on the server, before it reads or changes anything.
import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { CandidateRepository } from '../candidates/candidate.repository.js';
import { assertScope, type Actor } from '../common/actor.js';
import { parseOptionalId } from '../common/parse-id.js';
import { Role } from '../common/role.js';
import type { Exam } from '../exams/entities/exam.entity.js';
import { ExamStatus } from '../exams/entities/exam.entity.js';
import type { Paper } from '../exams/entities/paper.entity.js';
import { ExamAccess } from '../exams/exam-access.js';
import { PaperRepository } from '../exams/paper.repository.js';
import type { Student } from '../org/entities/student.entity.js';
import { SchoolRepository } from '../org/school.repository.js';
import { StudentRepository } from '../org/student.repository.js';
import type { ScannedPage } from './entities/scanned-page.entity.js';
import { ScannedPageRepository } from './scanned-page.repository.js';

@Injectable()
export class ScanAccess {
  constructor(
    @Inject(ExamAccess) private readonly exams: ExamAccess,
    @Inject(ScannedPageRepository) private readonly pages: ScannedPageRepository,
    @Inject(SchoolRepository) private readonly schools: SchoolRepository,
    @Inject(PaperRepository) private readonly papers: PaperRepository,
    @Inject(StudentRepository) private readonly students: StudentRepository,
    @Inject(CandidateRepository) private readonly candidates: CandidateRepository,
  ) {}

  /** A page its school's scanner (or the alliance's admin) may look at, with its exam. */
  async pageToView(actor: Actor, pageId: number): Promise<{ page: ScannedPage; exam: Exam }> {
    return this.page(actor, pageId, '无权查看该学校的扫描图像');
  }

  /** A page its school's scanner (or the admin) may fix: not once the exam's results are published. */
  async pageToFix(actor: Actor, pageId: number): Promise<{ page: ScannedPage; exam: Exam }> {
    const found = await this.page(actor, pageId, '无权处理该学校的扫描图像');
    if (found.exam.status === ExamStatus.Published)
      throw new BadRequestException('该考试成绩已发布，不能再处理扫描异常');
    return found;
  }

  /**
   * The exam and the school asked for (`?schoolId=`), in the actor's scope; an admin may leave the school out (all
   * schools) where `adminMayOmit`.
   */
  async school(
    actor: Actor,
    examId: number,
    rawSchoolId: unknown,
    opts: { adminMayOmit: boolean; message: string },
  ): Promise<{ exam: Exam; schoolId: number | null }> {
    const exam = await this.exams.forActor(actor, examId);
    const schoolId = parseOptionalId(rawSchoolId, '学校编号');
    if (schoolId === null) {
      if (!opts.adminMayOmit || !actor.isAdminOf(exam.allianceId))
        throw new BadRequestException('请指定学校（schoolId）');
      return { exam, schoolId: null };
    }
    await this.schoolOfExam(exam, schoolId);
    assertScope(actor.canActForSchool(Role.Scanner, exam.allianceId, schoolId), opts.message);
    return { exam, schoolId };
  }

  /** 404 unless the school belongs to the exam's alliance. */
  async schoolOfExam(exam: Exam, schoolId: number): Promise<void> {
    const school = await this.schools.findInAlliance(schoolId, exam.allianceId);
    if (!school) throw new NotFoundException('该学校不在本次考试的联盟中');
  }

  /** The paper named, or the only one; a list may open on the first paper, a mark must name it. */
  async paperOf(exam: Exam, rawPaperId: unknown, firstByDefault = false): Promise<Paper> {
    const papers = await this.papers.ofExam(exam.id);
    const id = parseOptionalId(rawPaperId, '试卷编号');
    if (id === null) {
      if (papers.length === 1 || (firstByDefault && papers.length)) return papers[0];
      throw new BadRequestException(papers.length ? '本次考试有多份试卷，请指定试卷（paperId）' : '本次考试还没有试卷');
    }
    const paper = papers.find((p) => p.id === id);
    if (!paper) throw new NotFoundException('该试卷不属于本次考试');
    return paper;
  }

  /** The roster student a fix names (by id, or by exam number: the exam's own first, else the roster's), of the exam's alliance. */
  async studentFromBody(exam: Exam, body: { studentId?: unknown; examNo?: unknown } | undefined): Promise<Student> {
    let student: Student | null = null;
    const id = parseOptionalId(body?.studentId, '考生编号');
    if (id !== null) student = await this.students.findById(id);
    else if (typeof body?.examNo === 'string' && body.examNo.trim()) {
      const byExam = await this.candidates.studentIdByExamNumber(exam.id, body.examNo.trim());
      student =
        byExam !== null
          ? await this.students.findById(byExam)
          : await this.students.findByExamNo(exam.allianceId, body.examNo.trim());
    } else throw new BadRequestException('请选择考生（studentId 或考号 examNo）');
    if (!student || student.allianceId !== exam.allianceId) throw new NotFoundException('名单中没有该考生');
    return student;
  }

  private async page(actor: Actor, pageId: number, message: string): Promise<{ page: ScannedPage; exam: Exam }> {
    const page = await this.pages.findById(pageId);
    if (!page) throw new NotFoundException('扫描图像不存在');
    const exam = await this.exams.forActor(actor, page.examId);
    assertScope(actor.canActForSchool(Role.Scanner, exam.allianceId, page.schoolId), message);
    return { page, exam };
  }
}
