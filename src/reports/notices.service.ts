// Student and parent notices (issue 17 item 3): the class PDF for the admin and the class's principal, the personal
// codes printed on it, and the private page a student or parent opens with a code. What a notice may say is decided by
// the rule table (domain/student-notice.ts asks exams/domain/exam-disclosure.ts); nothing shows before 成绩发布.
import {
  ConflictException,
  ForbiddenException,
  Inject,
  Injectable,
  NotFoundException,
  StreamableFile,
} from '@nestjs/common';
import { Actor, assertScope } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import { ExamAccess } from '../exams/exam-access.js';
import { levelOf, refusal } from '../exams/domain/exam-disclosure.js';
import type { Exam } from '../exams/entities/exam.entity.js';
import type { ExamAnalysisData } from '../results/domain/exam-analysis.js';
import { TOTAL_PAPER_ID } from '../results/domain/subject-totals.js';
import { ExamAnalysisRepository } from '../results/exam-analysis.repository.js';
import { ReleaseGate, type ReleaseMark } from '../results/release-gate.js';
import { NoticePageImages } from '../scans/notice-page-images.js';
import type { SheetLayout } from '../sheets/domain/layout.js';
import { formatCode, normaliseCode } from './domain/notice-code.js';
import {
  noticeAllowed,
  placeMarks,
  studentNotice,
  totalResult,
  type NoticeSubjectInput,
  type PlacedMark,
  type StudentNotice,
} from './domain/student-notice.js';
import { NoticeCodeSeal } from './notice-code-seal.js';
import { NoticeCodeRepository } from './notice-code.repository.js';
import { type NoticeClass, NoticeInputsRepository } from './notice-inputs.repository.js';
import { NoticeThrottle } from './notice-throttle.js';
import { StudentNoticePdf } from './pdf/student-notice.pdf.js';

/** One page of the student's sheet with the marks to draw on it (layout points). */
export interface NoticeSheetPage {
  subject: string;
  pageNo: number;
  /** The page in layout points; the image covers it exactly. */
  width: number;
  height: number;
  jpeg: Buffer;
  marks: PlacedMark[];
}

export interface BuiltNotice {
  studentId: number;
  examNo: string;
  notice: StudentNotice;
  sheets: NoticeSheetPage[];
}

export const WRONG_CODE = '查询码不正确，请核对通知单上的查询码后重新输入';
export const REVOKED_CODE = '该查询码已作废，请向学校索取新的查询码';
export const NOTICE_NOT_RELEASED = '成绩尚未发布，暂时不能查询';
export const NO_NOTICE_SCOPE = '无权查看该班级的学生通知单';

@Injectable()
export class NoticesService {
  constructor(
    @Inject(ExamAccess) private readonly exams: ExamAccess,
    @Inject(ReleaseGate) private readonly gate: ReleaseGate,
    @Inject(NoticeInputsRepository) private readonly inputs: NoticeInputsRepository,
    @Inject(NoticeCodeRepository) private readonly codes: NoticeCodeRepository,
    @Inject(ExamAnalysisRepository) private readonly analyses: ExamAnalysisRepository,
    @Inject(NoticePageImages) private readonly pages: NoticePageImages,
    @Inject(StudentNoticePdf) private readonly pdf: StudentNoticePdf,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
    @Inject(NoticeCodeSeal) private readonly seal: NoticeCodeSeal,
    @Inject(NoticeThrottle) private readonly throttle: NoticeThrottle,
  ) {}

  // ── The class: PDF and codes, for the alliance's admin and the class's principal ──

  /** GET /api/exams/:id/classes/:classId/notices.pdf */
  async classPdf(actor: Actor, examId: number, classId: number): Promise<StreamableFile> {
    const { exam, klass } = await this.classScope(actor, examId, classId, { homeroomTeacher: true });
    const students = await this.inputs.studentsOfClass(classId);
    const live = await this.liveCodes(examId, classId);
    const built = await this.build(
      exam,
      students.map((s) => ({ ...s, className: klass.name, schoolName: klass.schoolName })),
    );
    const mark = await this.gate.markOf(examId);
    const pdf = await this.pdf.render({
      title: `${exam.name} · ${klass.schoolName} ${klass.name} 学生成绩通知单`,
      outdated: mark.outdated,
      notices: built.map((b) => ({ ...b, code: live.get(b.studentId) ?? null })),
    });
    await this.audit.record({
      userId: actor.userId,
      action: 'notices_downloaded',
      entity: 'school_class',
      entityId: String(classId),
      detail: { examId, students: students.length },
    });
    return new StreamableFile(pdf, {
      type: 'application/pdf',
      disposition: `attachment; filename="notices-${examId}-${classId}.pdf"`,
    });
  }

  /** GET …/notice-codes: the class's students and whether each has a live code (the codes themselves are printed). */
  async listCodes(actor: Actor, examId: number, classId: number) {
    await this.classScope(actor, examId, classId);
    const students = await this.inputs.studentsOfClass(classId);
    const rows = await this.codes.ofClass(examId, classId);
    return students.map((s) => {
      const mine = rows.filter((r) => r.studentId === s.id);
      const live = mine.find((r) => !r.revokedAt);
      return {
        studentId: s.id,
        name: s.name,
        examNo: s.examNo,
        status: live ? 'active' : mine.length ? 'revoked' : 'none',
        createdAt: live?.createdAt ?? null,
      };
    });
  }

  /**
   * POST …/notice-codes: new codes for the class's students (those named, else those without a live code; `renew`
   * replaces every live code). A student's earlier code stops working. Returns the new codes once.
   */
  async generateCodes(
    actor: Actor,
    examId: number,
    classId: number,
    opts: { studentIds?: number[]; renew?: boolean } = {},
  ): Promise<{ studentId: number; name: string; code: string }[]> {
    const { exam, klass } = await this.classScope(actor, examId, classId);
    const students = await this.inputs.studentsOfClass(classId);
    const live = await this.liveCodes(examId, classId);
    const wanted = opts.studentIds?.length
      ? students.filter((s) => opts.studentIds!.includes(s.id))
      : students.filter((s) => opts.renew || !live.has(s.id));
    const fresh = wanted.map((s) => ({ student: s, code: this.seal.newCode() }));
    await this.codes.replace(
      { examId: exam.id, schoolId: klass.schoolId, classId, by: actor.userId },
      fresh.map((f) => ({
        studentId: f.student.id,
        codeHash: this.seal.hash(f.code),
        codeSealed: this.seal.seal(f.code),
      })),
    );
    await this.audit.record({
      userId: actor.userId,
      action: 'notice_codes_generated',
      entity: 'school_class',
      entityId: String(classId),
      detail: { examId, studentIds: fresh.map((f) => f.student.id) },
    });
    return fresh.map((f) => ({ studentId: f.student.id, name: f.student.name, code: formatCode(f.code) }));
  }

  /** POST …/notice-codes/revoke: the named students' live codes (all of the class without names) stop working. */
  async revokeCodes(
    actor: Actor,
    examId: number,
    classId: number,
    studentIds?: number[],
  ): Promise<{ revoked: number }> {
    await this.classScope(actor, examId, classId);
    const ids = studentIds?.length ? studentIds : (await this.inputs.studentsOfClass(classId)).map((s) => s.id);
    const revoked = await this.codes.revoke({ examId, classId, by: actor.userId }, ids);
    await this.audit.record({
      userId: actor.userId,
      action: 'notice_codes_revoked',
      entity: 'school_class',
      entityId: String(classId),
      detail: { examId, studentIds: ids, revoked },
    });
    return { revoked };
  }

  /**
   * The class's admin or principal; with `homeroomTeacher` (the PDF only, never the codes) also the class's 班主任: a
   * teacher grant of this very class without a subject. A 任课教师 (a subject) reads the class report, not the notices,
   * which carry every subject of each student.
   */
  private async classScope(
    actor: Actor,
    examId: number,
    classId: number,
    opts: { homeroomTeacher?: boolean } = {},
  ): Promise<{ exam: Exam; klass: NoticeClass }> {
    const exam = await this.exams.get(examId);
    const klass = await this.inputs.classOf(classId);
    const own = !!klass && klass.allianceId === exam.allianceId;
    const homeroom =
      !!opts.homeroomTeacher &&
      own &&
      actor
        .teacherGrants(exam.allianceId)
        .some((g) => g.classId === classId && g.schoolId === klass.schoolId && g.subject === null);
    assertScope(
      actor.isAdminOf(exam.allianceId) ||
        homeroom ||
        (own && actor.principalSchools(exam.allianceId).includes(klass.schoolId)),
      NO_NOTICE_SCOPE,
    );
    if (!klass || !own) throw new NotFoundException('班级不存在');
    await this.gate.assertVisible(actor, exam);
    this.assertNoticeAllowed(exam);
    return { exam, klass };
  }

  private assertNoticeAllowed(exam: Exam) {
    const level = levelOf(exam);
    if (!noticeAllowed(level)) throw new ForbiddenException(refusal(level, ['grade_band']));
  }

  /** studentId → the live code, as printed (codes sealed under another secret are left out: generate them again). */
  private async liveCodes(examId: number, classId: number): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    for (const r of await this.codes.ofClass(examId, classId)) {
      if (r.revokedAt) continue;
      const code = this.seal.unseal(r.codeSealed);
      if (code) out.set(r.studentId, formatCode(code));
    }
    return out;
  }

  // ── The private page: one student's notice by its code ──

  /** POST /api/notice: the notice the code opens. Throttled per address and per code; every open is audited. */
  async open(rawCode: unknown, address: string) {
    const code = normaliseCode(rawCode);
    const hash = code ? this.seal.hash(code) : null;
    await this.throttle.check(address, hash);
    const hit = hash ? await this.codes.byHash(hash) : null;
    if (!hit) {
      await this.throttle.recordFailure(address);
      throw new NotFoundException(WRONG_CODE);
    }
    if (hit.revokedAt) {
      await this.throttle.recordFailure(address);
      await this.audit.record({
        userId: null,
        action: 'notice_revoked_code_used',
        entity: 'student',
        entityId: String(hit.studentId),
        detail: { examId: hit.examId, codeId: hit.id, address },
      });
      throw new ForbiddenException(REVOKED_CODE);
    }
    const exam = await this.exams.get(hit.examId);
    // Nobody's account: the release decides alone (the alliance's admin sees before release, a code never does).
    try {
      await this.gate.assertVisible(new Actor(0, '', '', []), exam);
    } catch {
      throw new ForbiddenException(NOTICE_NOT_RELEASED);
    }
    this.assertNoticeAllowed(exam);
    const student = await this.inputs.studentOf(hit.studentId);
    if (!student) throw new NotFoundException(WRONG_CODE);
    const [built] = await this.build(exam, [student]);
    await this.throttle.recordOpen(hash!);
    await this.audit.record({
      userId: null,
      action: 'notice_viewed',
      entity: 'student',
      entityId: String(hit.studentId),
      detail: { examId: exam.id, codeId: hit.id, address },
    });
    const mark: ReleaseMark = await this.gate.markOf(exam.id);
    return {
      release: { releasedAt: mark.releasedAt, outdated: mark.outdated },
      notice: built.notice,
      sheets: built.sheets.map((s) => ({
        subject: s.subject,
        pageNo: s.pageNo,
        width: s.width,
        height: s.height,
        image: `data:image/jpeg;base64,${s.jpeg.toString('base64')}`,
        marks: s.marks,
      })),
    };
  }

  // ── Building ──

  /** The notices of these students, with their sheets' pages and the marks to draw on them. */
  async build(
    exam: Exam,
    students: { id: number; name: string; examNo: string; className: string; schoolName: string }[],
  ): Promise<BuiltNotice[]> {
    const papers = (await this.analyses.ofExam(exam.id, { classesOf: [] })).map((a) => a.data as ExamAnalysisData);
    if (!papers.length) throw new ConflictException('本次考试的成绩还没有计算，暂时不能生成通知单');
    const ids = students.map((s) => s.id);
    const itemIds = papers.flatMap((p) => p.items.map((i) => i.itemId));
    const [results, scores, layouts] = await Promise.all([
      this.inputs.results(exam.id, ids),
      this.inputs.itemScores(ids, itemIds),
      this.inputs.layouts(papers.map((p) => p.paper.paperId)),
    ]);
    const sheets = await this.pages.pagesOf(exam.id, ids, (paperId) => layouts.get(paperId) ?? null);
    const resultOf = new Map(results.map((r) => [`${r.studentId}:${r.paperId}`, r]));
    const allianceRates = new Map(
      papers.map((p) => [
        p.paper.paperId,
        p.alliance.suppressed || !p.alliance.knowledgePoints
          ? null
          : new Map(p.alliance.knowledgePoints.map((k) => [k.knowledgePoint, k.scoreRate])),
      ]),
    );
    const level = levelOf(exam);
    return students.map((s) => {
      const mine = scores.get(s.id);
      const subjects: NoticeSubjectInput[] = papers.map((p) => ({
        paperId: p.paper.paperId,
        subject: p.paper.subject,
        fullMarks: p.paper.fullMarks,
        result: resultOf.get(`${s.id}:${p.paper.paperId}`) ?? null,
        items: p.items.map((it) => ({
          itemId: it.itemId,
          label: it.label,
          maxScore: it.maxScore,
          knowledgePoints: it.knowledgePoints ?? [],
          score: mine?.get(it.itemId) ?? null,
        })),
        allianceRates: allianceRates.get(p.paper.paperId) ?? null,
      }));
      // 总分 (paper id 0) has no stored result and no sheet: its result follows from the subjects', with no items.
      const parts = subjects.filter((x) => x.paperId !== TOTAL_PAPER_ID).map((x) => x.result);
      for (const x of subjects)
        if (x.paperId === TOTAL_PAPER_ID) Object.assign(x, { result: totalResult(parts), items: [] });
      const notice = studentNotice({
        exam: { name: exam.name, level, cutoffs: exam.gradeBandCutoffs },
        student: { name: s.name, schoolName: s.schoolName, className: s.className },
        subjects,
      });
      return {
        studentId: s.id,
        examNo: s.examNo,
        notice,
        sheets: this.sheetsOf(notice, sheets.get(s.id) ?? [], layouts),
      };
    });
  }

  private sheetsOf(
    notice: StudentNotice,
    pages: { paperId: number; pageNo: number; jpeg: Buffer }[],
    layouts: Map<number, SheetLayout>,
  ): NoticeSheetPage[] {
    const out: NoticeSheetPage[] = [];
    for (const p of pages) {
      const layout = layouts.get(p.paperId);
      const subject = notice.subjects.find((s) => s.paperId === p.paperId);
      const page = layout?.pages.find((x) => x.pageNo === p.pageNo);
      if (!layout || !subject || !page) continue;
      out.push({
        subject: subject.subject,
        pageNo: p.pageNo,
        width: layout.page.width,
        height: layout.page.height,
        jpeg: p.jpeg,
        marks: placeMarks(page, subject.marks),
      });
    }
    return out;
  }
}
