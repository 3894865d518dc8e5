// The scan exceptions workflow (issue 3, item 7): the queue by reason, the fixes (assign a student, re-match a read
// page, rotate, discard/restore, read again) and 缺考 marks. Every fix is scoped to the page's school, audited with
// the page's state before and after, and re-reads that page alone through the same ingestion as the queue.
import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
  StreamableFile,
} from '@nestjs/common';
import { Pipeline } from '../queue/pipeline.js';
import { parseOptionalId } from '../common/parse-id.js';
import { DataSource, EntityManager, In } from 'typeorm';
import { Role } from '../common/role.js';
import { assertScope, type Actor } from '../common/actor.js';
import { AuditLog } from '../common/entities/audit-log.entity.js';
import { IMPORTED_EXAM_REFUSAL } from '../exams/domain/results-import.js';
import { Exam, ExamStatus } from '../exams/entities/exam.entity.js';
import { Paper } from '../exams/entities/paper.entity.js';
import { School } from '../org/entities/school.entity.js';
import { Student } from '../org/entities/student.entity.js';
import { ScoreSource } from '../marking/entities/final-item-score.entity.js';
import { reasonInfo } from './domain/exception-reasons.js';
import { isQuarterTurn } from './domain/rotate-gray.js';
import { ExamAbsence } from './entities/exam-absence.entity.js';
import { PageStatus, ScannedPage } from './entities/scanned-page.entity.js';
import { ScanImageCodec } from './scan-image.codec.js';
import { ScanIngestService } from './scan-ingest.service.js';
import { BlobStore } from '../storage/blob-store.js';

/** The part of a page a fix changes: what the audit row keeps as before and after. */
type PageState = Pick<
  ScannedPage,
  'status' | 'exceptionCode' | 'studentId' | 'forcedStudentId' | 'rotation' | 'schoolId'
>;

export interface FixResult {
  pageId: number;
  /** false when the page already was as asked: nothing done, nothing audited. */
  changed: boolean;
  status: string;
  code: string | null;
  reason: string | null;
  studentId: number | null;
  examNo: string | null;
  /** Later pages of the same sheet that waited for this one and were read again after it (or moved with it). */
  followers: { pageId: number; status: string; reason: string | null }[];
}

/** Exceptions a later page gets because of the page before it: worth reading again once that page is fixed. */
const WAITS_FOR_PREVIOUS = ['PREVIOUS_PAGE_EXCEPTION', 'PAGE_ORDER'];
/** Thumbnails in the exceptions list: enough to see which sheet it is and which way up. */
const THUMB_WIDTH = 360;

const stateOf = (p: ScannedPage): PageState => ({
  status: p.status,
  exceptionCode: p.exceptionCode,
  studentId: p.studentId,
  forcedStudentId: p.forcedStudentId,
  rotation: p.rotation,
  schoolId: p.schoolId,
});

@Injectable()
export class ScanExceptionsService {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(ScanIngestService) private readonly ingest: ScanIngestService,
    @Inject(BlobStore) private readonly blobs: BlobStore,
    @Inject(ScanImageCodec) private readonly codec: ScanImageCodec,
    @Inject(Pipeline) private readonly pipeline: Pipeline,
  ) {}

  /**
   * A fix changes what the results say (a student's scores, who sat): once the exam's results have been computed,
   * the results job runs again (debounced, idempotent), so pages and reports never show figures from before a fix.
   */
  private async refreshResults(examId: number): Promise<void> {
    const [row] = await this.ds.query('SELECT 1 AS x FROM exam_analysis WHERE exam_id = ? LIMIT 1', [examId]);
    if (row) await this.pipeline.scoresChanged(examId);
  }

  /**
   * A small image of the page as it will be read (turned as asked), for the exceptions list: a 300 dpi page is
   * megabytes, a list of them would not load. Audited like the full image: the sheet carries a child's answers.
   */
  async thumbnail(actor: Actor, pageId: number): Promise<StreamableFile> {
    const page = await this.ds.getRepository(ScannedPage).findOneBy({ id: pageId });
    if (!page) throw new NotFoundException('扫描图像不存在');
    const exam = await this.examOrFail(page.examId, actor);
    assertScope(actor.canActForSchool(Role.Scanner, exam.allianceId, page.schoolId), '无权查看该学校的扫描图像');
    let jpeg: Buffer;
    try {
      jpeg = await this.codec.thumbnail(await this.blobs.get(page.blobKey), THUMB_WIDTH, page.rotation);
    } catch {
      throw new NotFoundException('该图片无法显示（文件可能已损坏）');
    }
    await this.ds.getRepository(AuditLog).insert({
      userId: actor.userId,
      action: 'view_scan_image',
      entity: 'scanned_page',
      entityId: String(page.id),
      detail: { examId: exam.id, schoolId: page.schoolId, thumbnail: true },
    });
    return new StreamableFile(jpeg, { type: 'image/jpeg', disposition: 'inline', length: jpeg.length });
  }

  /** The queue (status=exception, default) or the discarded pages, with counts per reason code and an optional code filter. */
  async queue(actor: Actor, examId: number, rawSchoolId: unknown, rawCode: unknown, rawStatus: unknown) {
    const { exam, schoolId } = await this.scope(actor, examId, rawSchoolId, true);
    const status = rawStatus === undefined || rawStatus === '' ? PageStatus.Exception : String(rawStatus);
    if (status !== PageStatus.Exception && status !== PageStatus.Discarded)
      throw new BadRequestException('状态应为 exception（异常）或 discarded（已作废）');
    const code = rawCode === undefined || rawCode === '' ? null : String(rawCode);
    const all = await this.ds.getRepository(ScannedPage).find({
      where: { examId: exam.id, status: status as PageStatus, ...(schoolId !== null ? { schoolId } : {}) },
      order: { id: 'ASC' },
    });
    const counts = new Map<string, number>();
    for (const p of all)
      counts.set(reasonInfo(p.exceptionCode).code, (counts.get(reasonInfo(p.exceptionCode).code) ?? 0) + 1);
    const pages = code === null ? all : all.filter((p) => reasonInfo(p.exceptionCode).code === code);
    const forced = await this.studentsById(
      pages.map((p) => p.forcedStudentId).filter((id): id is number => id !== null),
    );
    return {
      examId: exam.id,
      schoolId,
      status,
      total: all.length,
      reasons: [...counts.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([c, count]) => ({ ...reasonInfo(c), count })),
      pages: pages.map((p) => {
        const info = reasonInfo(p.exceptionCode);
        const s = p.forcedStudentId !== null ? forced.get(p.forcedStudentId) : undefined;
        return {
          pageId: p.id,
          code: info.code,
          label: info.label,
          suggested: info.suggested,
          reason: p.exceptionReason,
          originalName: p.originalName,
          imageUrl: `/api/scans/pages/${p.id}/image`,
          thumbnailUrl: `/api/scans/pages/${p.id}/thumbnail?r=${p.rotation}`,
          batchId: p.batchId,
          schoolId: p.schoolId,
          paperId: p.paperId,
          pageNo: p.pageNo,
          examNoRead: p.examNoRead,
          rotation: p.rotation,
          assignedStudent: s ? { id: s.id, examNo: s.examNo, name: s.name } : null,
        };
      }),
    };
  }

  /**
   * The school's roster for one paper, for picking the student of a page and for 缺考: each student with the pages
   * read for them and whether they are marked absent. `q` filters by exam number (prefix) or name (part). Audited:
   * it shows children's names.
   */
  async roster(actor: Actor, examId: number, rawSchoolId: unknown, rawPaperId: unknown, rawQ: unknown) {
    const { exam, schoolId } = await this.scope(actor, examId, rawSchoolId, false);
    const paper = await this.paperOf(exam, rawPaperId, true);
    const q = typeof rawQ === 'string' ? rawQ.trim() : '';
    const grade = exam.grade ? " AND (c.grade = ? OR c.grade = '')" : '';
    const students: { id: number; examNo: string; name: string; className: string }[] = await this.ds.query(
      `SELECT st.id AS id, st.exam_no AS examNo, st.name AS name, c.name AS className FROM student st JOIN school_class c ON c.id = st.class_id
       WHERE st.school_id = ?${grade} ORDER BY st.exam_no`,
      exam.grade ? [schoolId, exam.grade] : [schoolId],
    );
    const pages = await this.ds.getRepository(ScannedPage).find({
      where: {
        examId: exam.id,
        paperId: paper.id,
        schoolId: schoolId!,
        status: In([PageStatus.Processed, PageStatus.Queued]),
      },
      order: { pageNo: 'ASC', id: 'ASC' },
    });
    const pagesOf = new Map<number, ScannedPage[]>();
    for (const p of pages) if (p.studentId !== null) pagesOf.set(p.studentId, [...(pagesOf.get(p.studentId) ?? []), p]);
    const absent = new Set(
      (await this.ds.getRepository(ExamAbsence).findBy({ paperId: paper.id, schoolId: schoolId! })).map(
        (a) => a.studentId,
      ),
    );
    // A sheet of several pages is whole when every page of the paper's layout is read for the student: a student with
    // some pages read and others not is 缺页 (partial), so the scanner looks for the page before the results count
    // the student as incomplete.
    const pageNos = (paper.layout?.pages ?? []).map((p) => p.pageNo);
    const rows = students.map((s) => {
      const mine = pagesOf.get(Number(s.id)) ?? [];
      const read = new Set(mine.filter((p) => p.status === PageStatus.Processed).map((p) => p.pageNo));
      const missingPages = read.size ? pageNos.filter((n) => !read.has(n)) : [];
      const state = read.size
        ? missingPages.length
          ? 'partial'
          : 'scanned'
        : absent.has(Number(s.id))
          ? 'absent'
          : 'missing';
      return {
        studentId: Number(s.id),
        examNo: s.examNo,
        name: s.name,
        className: s.className,
        state,
        missingPages,
        absent: absent.has(Number(s.id)),
        pages: mine.map((p) => ({ pageId: p.id, pageNo: p.pageNo, status: p.status, originalName: p.originalName })),
      };
    });
    const count = (state: string) => rows.filter((r) => r.state === state).length;
    const counts = {
      roster: rows.length,
      scanned: count('scanned'),
      partial: count('partial'),
      absent: count('absent'),
      missing: count('missing'),
    };
    const shown = q ? rows.filter((r) => r.examNo.startsWith(q) || r.name.includes(q)) : rows;
    await this.ds.getRepository(AuditLog).insert({
      userId: actor.userId,
      action: 'view_scan_roster',
      entity: 'exam',
      entityId: String(exam.id),
      detail: { schoolId, paperId: paper.id, q, count: shown.length },
    });
    const papers = await this.ds.getRepository(Paper).find({ where: { examId: exam.id }, order: { id: 'ASC' } });
    return {
      examId: exam.id,
      schoolId,
      paperId: paper.id,
      papers: papers.map((p) => ({ id: p.id, subject: p.subject })),
      counts,
      students: shown,
    };
  }

  /**
   * Assigns the page to a student of the roster (by id or exam number). An unread page is read again with that
   * student; a page already read for another student is re-matched: its answers move, with their marks.
   */
  async assign(
    actor: Actor,
    pageId: number,
    body: { studentId?: unknown; examNo?: unknown } | undefined,
  ): Promise<FixResult> {
    const { page, exam } = await this.pageForFix(actor, pageId);
    const student = await this.studentFromBody(exam, body);
    if (student.schoolId !== page.schoolId) {
      // A sheet in another school's pile: only the alliance office may hand it over (the page moves to that school).
      assertScope(
        actor.isAdminOf(exam.allianceId),
        `考号 ${student.examNo} 不是本校考生，不能指定给本校的答题卡；请交联盟管理员处理`,
      );
    }
    if (page.status === PageStatus.Discarded) throw new BadRequestException('该页已作废，请先恢复再指定考生');
    if (
      page.paperId !== null &&
      (await this.ds.getRepository(ExamAbsence).existsBy({ paperId: page.paperId, studentId: student.id }))
    ) {
      throw new ConflictException(`考号 ${student.examNo} 的考生已标记缺考，请先撤销缺考标记`);
    }
    if (page.status === PageStatus.Processed) {
      if (page.studentId === student.id) return this.result(page, false, []);
      return this.rematch(actor, page, student);
    }
    if (
      page.forcedStudentId === student.id &&
      page.schoolId === student.schoolId &&
      page.status !== PageStatus.Exception
    )
      return this.result(page, false, []);
    const before = stateOf(page);
    await this.ds
      .getRepository(ScannedPage)
      .update({ id: page.id }, { forcedStudentId: student.id, schoolId: student.schoolId });
    return this.rerunAndAudit(actor, 'assign_scan_page', page.id, before, {
      studentId: student.id,
      examNo: student.examNo,
    });
  }

  /** Turns the page by a right angle (clockwise, from the image as uploaded) and reads it again. */
  async rotate(actor: Actor, pageId: number, body: { rotation?: unknown } | undefined): Promise<FixResult> {
    const { page } = await this.pageForFix(actor, pageId);
    const rotation =
      typeof body?.rotation === 'string' && /^\d+$/.test(body.rotation) ? Number(body.rotation) : body?.rotation;
    if (!isQuarterTurn(rotation)) throw new BadRequestException('旋转角度应为 0、90、180 或 270（顺时针）');
    if (page.status === PageStatus.Processed) throw new BadRequestException('该页已识别成功，无需旋转');
    if (page.status === PageStatus.Discarded) throw new BadRequestException('该页已作废，请先恢复');
    if (page.rotation === rotation) return this.result(page, false, []);
    const before = stateOf(page);
    await this.ds.getRepository(ScannedPage).update({ id: page.id }, { rotation });
    return this.rerunAndAudit(actor, 'rotate_scan_page', page.id, before, { rotation });
  }

  /** Reads the page again as it is (e.g. after the roster or the answer sheet was fixed). */
  async reingest(actor: Actor, pageId: number): Promise<FixResult> {
    const { page } = await this.pageForFix(actor, pageId);
    if (page.status === PageStatus.Processed) throw new BadRequestException('该页已识别成功；如归属有误，请改派考生');
    if (page.status === PageStatus.Discarded) throw new BadRequestException('该页已作废，请先恢复');
    return this.rerunAndAudit(actor, 'reingest_scan_page', page.id, stateOf(page), {});
  }

  /** Sets an unread page aside: the image stays stored, nothing reads or counts it; `restore` undoes it. */
  async discard(actor: Actor, pageId: number): Promise<FixResult> {
    const { page } = await this.pageForFix(actor, pageId);
    if (page.status === PageStatus.Processed)
      throw new BadRequestException('该页已识别入库，不能作废；如归属有误，请改派考生');
    if (page.status === PageStatus.Discarded) return this.result(page, false, []);
    const before = stateOf(page);
    await this.ds.transaction(async (m) => {
      await lockBatch(m, page.batchId);
      await m.update(ScannedPage, { id: page.id }, { status: PageStatus.Discarded, studentId: null });
      await this.audit(
        m,
        actor,
        'discard_scan_page',
        page,
        before,
        { ...before, status: PageStatus.Discarded, studentId: null },
        {},
      );
    });
    return this.result(await this.pageOrFail(page.id), true, []);
  }

  async restore(actor: Actor, pageId: number): Promise<FixResult> {
    const { page } = await this.pageForFix(actor, pageId);
    if (page.status !== PageStatus.Discarded) return this.result(page, false, []);
    const before = stateOf(page);
    await this.ds.getRepository(ScannedPage).update({ id: page.id }, { status: PageStatus.Queued });
    return this.rerunAndAudit(actor, 'restore_scan_page', page.id, before, {});
  }

  /** 缺考: the student did not sit the paper. Refused while a page of the paper is read for them. */
  async markAbsent(actor: Actor, examId: number, body: { studentId?: unknown; paperId?: unknown } | undefined) {
    const { exam, paper, student } = await this.absenceTarget(actor, examId, body?.studentId, body?.paperId);
    const read = await this.ds
      .getRepository(ScannedPage)
      .findOneBy({ examId: exam.id, paperId: paper.id, studentId: student.id, status: PageStatus.Processed });
    if (read)
      throw new ConflictException(
        `考号 ${student.examNo} 已有识别成功的答卷（${read.originalName || `#${read.id}`}），不能标记缺考`,
      );
    const changed = await this.ds.transaction(async (m) => {
      const res = await m.query(
        'INSERT IGNORE INTO exam_absence (exam_id, paper_id, school_id, student_id, marked_by) VALUES (?, ?, ?, ?, ?)',
        [exam.id, paper.id, student.schoolId, student.id, actor.userId],
      );
      if (!res.affectedRows) return false;
      await m.getRepository(AuditLog).insert({
        userId: actor.userId,
        action: 'mark_absent',
        entity: 'student',
        entityId: String(student.id),
        detail: {
          examId: exam.id,
          paperId: paper.id,
          schoolId: student.schoolId,
          before: { absent: false },
          after: { absent: true },
        },
      });
      return true;
    });
    if (changed) await this.refreshResults(exam.id);
    return { examId: exam.id, paperId: paper.id, studentId: student.id, examNo: student.examNo, absent: true, changed };
  }

  /** Undoes a 缺考 mark; pages refused because of it are read again. */
  async unmarkAbsent(actor: Actor, examId: number, rawStudentId: unknown, rawPaperId: unknown) {
    const { exam, paper, student } = await this.absenceTarget(actor, examId, rawStudentId, rawPaperId);
    const changed = await this.ds.transaction(async (m) => {
      const res = await m.getRepository(ExamAbsence).delete({ paperId: paper.id, studentId: student.id });
      if (!res.affected) return false;
      await m.getRepository(AuditLog).insert({
        userId: actor.userId,
        action: 'unmark_absent',
        entity: 'student',
        entityId: String(student.id),
        detail: {
          examId: exam.id,
          paperId: paper.id,
          schoolId: student.schoolId,
          before: { absent: true },
          after: { absent: false },
        },
      });
      return true;
    });
    const refused = await this.ds
      .getRepository(ScannedPage)
      .createQueryBuilder('p')
      .where(
        'p.examId = :examId AND p.status = :exception AND p.exceptionCode = :code AND (p.forcedStudentId = :id OR p.examNoRead = :examNo)',
        {
          examId: exam.id,
          exception: PageStatus.Exception,
          code: 'STUDENT_MARKED_ABSENT',
          id: student.id,
          examNo: student.examNo,
        },
      )
      .orderBy('p.id', 'ASC')
      .getMany();
    const reread: { pageId: number; status: string }[] = [];
    for (const p of refused) reread.push({ pageId: p.id, status: (await this.ingest.ingestPage(p.id)).status });
    if (changed) await this.refreshResults(exam.id);
    return {
      examId: exam.id,
      paperId: paper.id,
      studentId: student.id,
      examNo: student.examNo,
      absent: false,
      changed,
      reread,
    };
  }

  /**
   * Moves a read page (and the later pages of the same sheet that took their student from it) to another student:
   * objective responses, OMR reviews (resolved ones stand), answer snippets and final item scores follow the answer.
   * Marking tasks and mark events hang on the snippet, so marks already made stay with the answer. Then the page is
   * read again for its new student, which rewrites the same rows.
   */
  private async rematch(actor: Actor, page: ScannedPage, target: Student): Promise<FixResult> {
    const moved = await this.ds.transaction(async (m) => {
      await lockBatch(m, page.batchId);
      const current = await m.getRepository(ScannedPage).findOneByOrFail({ id: page.id });
      if (current.status !== PageStatus.Processed || current.studentId === null)
        throw new ConflictException('该页状态已变化，请刷新后重试');
      if (current.studentId === target.id) return null; // the same fix arrived twice at once: the first one did it
      const from = current.studentId;
      const chain = [current, ...(await this.inheritingFollowers(m, current))];
      for (const p of chain) {
        const clash = await m.getRepository(ScannedPage).findOneBy({
          examId: p.examId,
          paperId: p.paperId!,
          pageNo: p.pageNo!,
          studentId: target.id,
          status: PageStatus.Processed,
        });
        if (clash)
          throw new ConflictException(
            `考号 ${target.examNo} 的第${p.pageNo}页已有答卷（${clash.originalName || `#${clash.id}`}），请先处理该页`,
          );
      }
      const out: { pageId: number; items: number[] }[] = [];
      for (const p of chain) {
        const rows: { itemId: number }[] = await m.query(
          'SELECT item_id AS itemId FROM objective_response WHERE page_id = ? UNION SELECT item_id FROM omr_review WHERE page_id = ? UNION SELECT item_id FROM answer_snippet WHERE page_id = ?',
          [p.id, p.id, p.id],
        );
        const items = rows.map((r) => Number(r.itemId));
        if (items.length) {
          const list = items.map(() => '?').join(', ');
          // Answers of the target on these items can only be left over from a page no longer theirs (checked above).
          const stale: { n: number }[] = await m.query(
            `SELECT COUNT(*) AS n FROM answer_snippet WHERE student_id = ? AND item_id IN (${list}) AND page_id <> ?`,
            [target.id, ...items, p.id],
          );
          if (Number(stale[0].n) > 0)
            throw new ConflictException(`考号 ${target.examNo} 已有这些题目的答卷记录，不能改派；请联系联盟管理员`);
          await m.query(
            `DELETE FROM objective_response WHERE student_id = ? AND item_id IN (${list}) AND page_id <> ?`,
            [target.id, ...items, p.id],
          );
          await m.query(`DELETE FROM omr_review WHERE student_id = ? AND item_id IN (${list}) AND page_id <> ?`, [
            target.id,
            ...items,
            p.id,
          ]);
          await m.query(`DELETE FROM final_item_score WHERE student_id = ? AND item_id IN (${list}) AND source = ?`, [
            target.id,
            ...items,
            ScoreSource.Objective,
          ]);
          const finals: { n: number }[] = await m.query(
            `SELECT COUNT(*) AS n FROM final_item_score WHERE student_id = ? AND item_id IN (${list})`,
            [target.id, ...items],
          );
          if (Number(finals[0].n) > 0)
            throw new ConflictException(`考号 ${target.examNo} 的这些题目已有评分结果，不能改派；请联系联盟管理员`);
          await m.query('UPDATE objective_response SET student_id = ? WHERE page_id = ?', [target.id, p.id]);
          await m.query('UPDATE omr_review SET student_id = ?, school_id = ? WHERE page_id = ?', [
            target.id,
            target.schoolId,
            p.id,
          ]);
          await m.query('UPDATE answer_snippet SET student_id = ? WHERE page_id = ?', [target.id, p.id]);
          await m.query(`UPDATE final_item_score SET student_id = ? WHERE student_id = ? AND item_id IN (${list})`, [
            target.id,
            from,
            ...items,
          ]);
        }
        const before = stateOf(p);
        // Only the page the person chose is pinned; the later pages follow it as they did before.
        const patch = {
          studentId: target.id,
          schoolId: target.schoolId,
          ...(p.id === current.id ? { forcedStudentId: target.id } : {}),
        };
        await m.update(ScannedPage, { id: p.id }, patch);
        await this.audit(
          m,
          actor,
          'rematch_scan_page',
          p,
          before,
          { ...before, ...patch },
          {
            fromStudentId: from,
            toStudentId: target.id,
            examNo: target.examNo,
            items,
            viaPageId: p.id === current.id ? null : current.id,
          },
        );
        out.push({ pageId: p.id, items });
      }
      return out;
    });
    if (!moved) return this.result(await this.pageOrFail(page.id), false, []);
    await this.ingest.ingestPage(page.id);
    const followers = [];
    for (const f of moved.slice(1)) {
      const p = await this.pageOrFail(f.pageId);
      followers.push({ pageId: p.id, status: p.status, reason: p.exceptionReason });
    }
    return this.result(await this.pageOrFail(page.id), true, followers);
  }

  /** Later pages of the same sheet in the batch that were read for the same student by following this page. */
  private async inheritingFollowers(m: EntityManager, page: ScannedPage): Promise<ScannedPage[]> {
    const out: ScannedPage[] = [];
    let cur = page;
    for (;;) {
      const next = await this.nextInBatch(m, cur);
      if (
        !next ||
        next.status !== PageStatus.Processed ||
        next.forcedStudentId !== null ||
        next.studentId !== page.studentId ||
        next.paperId !== cur.paperId ||
        next.pageNo !== (cur.pageNo ?? 0) + 1
      )
        return out;
      out.push(next);
      cur = next;
    }
  }

  private nextInBatch(m: EntityManager, page: ScannedPage) {
    return m
      .getRepository(ScannedPage)
      .createQueryBuilder('p')
      .where('p.batchId = :batchId AND p.id > :id AND p.status NOT IN (:...gone)', {
        batchId: page.batchId,
        id: page.id,
        gone: [PageStatus.Skipped, PageStatus.Discarded],
      })
      .orderBy('p.id', 'ASC')
      .getOne();
  }

  /** Reads the page again, audits the fix with the state before and after, then reads again the pages that waited for it. */
  private async rerunAndAudit(
    actor: Actor,
    action: string,
    pageId: number,
    before: PageState,
    detail: Record<string, unknown>,
  ): Promise<FixResult> {
    let outcome;
    try {
      outcome = await this.ingest.ingestPage(pageId);
    } catch (err) {
      // The change stands (the queue or a retry reads the page later): it is audited all the same.
      const now = await this.pageOrFail(pageId);
      await this.audit(this.ds.manager, actor, action, now, before, stateOf(now), {
        ...detail,
        outcome: 'failed',
        error: (err as Error).message.slice(0, 200),
      });
      throw err;
    }
    const after = await this.pageOrFail(pageId);
    await this.audit(this.ds.manager, actor, action, after, before, stateOf(after), {
      ...detail,
      outcome: outcome.status,
    });
    const followers: FixResult['followers'] = [];
    let cur = after;
    while (cur.status === PageStatus.Processed) {
      const next = await this.nextInBatch(this.ds.manager, cur);
      if (!next || next.status !== PageStatus.Exception || !WAITS_FOR_PREVIOUS.includes(next.exceptionCode ?? ''))
        break;
      const nextBefore = stateOf(next);
      await this.ingest.ingestPage(next.id);
      cur = await this.pageOrFail(next.id);
      await this.audit(this.ds.manager, actor, 'reingest_scan_page', cur, nextBefore, stateOf(cur), { after: pageId });
      followers.push({ pageId: cur.id, status: cur.status, reason: cur.exceptionReason });
    }
    return this.result(after, true, followers);
  }

  private async audit(
    m: EntityManager,
    actor: Actor,
    action: string,
    page: ScannedPage,
    before: PageState,
    after: PageState,
    extra: Record<string, unknown>,
  ) {
    await m.getRepository(AuditLog).insert({
      userId: actor.userId,
      action,
      entity: 'scanned_page',
      entityId: String(page.id),
      detail: { examId: page.examId, schoolId: before.schoolId, pageId: page.id, before, after, ...extra },
    });
  }

  /** What the page is now (the row, not the ingest outcome: a page that waited may have moved on since). */
  private async result(page: ScannedPage, changed: boolean, followers: FixResult['followers']): Promise<FixResult> {
    if (changed) await this.refreshResults(page.examId);
    const sid = page.studentId ?? page.forcedStudentId;
    const student = sid !== null ? await this.ds.getRepository(Student).findOneBy({ id: sid }) : null;
    return {
      pageId: page.id,
      changed,
      status: page.status,
      code: page.exceptionCode,
      reason: page.exceptionReason,
      studentId: page.studentId,
      examNo: student?.examNo ?? null,
      followers,
    };
  }

  private async pageForFix(actor: Actor, pageId: number): Promise<{ page: ScannedPage; exam: Exam }> {
    const page = await this.ds.getRepository(ScannedPage).findOneBy({ id: pageId });
    if (!page) throw new NotFoundException('扫描图像不存在');
    const exam = await this.examOrFail(page.examId, actor);
    assertScope(actor.canActForSchool(Role.Scanner, exam.allianceId, page.schoolId), '无权处理该学校的扫描图像');
    if (exam.status === ExamStatus.Published) throw new BadRequestException('该考试成绩已发布，不能再处理扫描异常');
    return { page, exam };
  }

  private async pageOrFail(id: number) {
    return this.ds.getRepository(ScannedPage).findOneByOrFail({ id });
  }

  private async studentFromBody(
    exam: Exam,
    body: { studentId?: unknown; examNo?: unknown } | undefined,
  ): Promise<Student> {
    const repo = this.ds.getRepository(Student);
    let student: Student | null = null;
    const id = parseOptionalId(body?.studentId, '考生编号');
    if (id !== null) student = await repo.findOneBy({ id });
    else if (typeof body?.examNo === 'string' && body.examNo.trim())
      student = await repo.findOneBy({ allianceId: exam.allianceId, examNo: body.examNo.trim() });
    else throw new BadRequestException('请选择考生（studentId 或考号 examNo）');
    if (!student || student.allianceId !== exam.allianceId) throw new NotFoundException('名单中没有该考生');
    return student;
  }

  private async absenceTarget(actor: Actor, examId: number, rawStudentId: unknown, rawPaperId: unknown) {
    const exam = await this.examOrFail(examId, actor);
    const studentId = parseOptionalId(rawStudentId, '考生编号');
    if (studentId === null) throw new BadRequestException('请指定考生（studentId）');
    const student = await this.ds.getRepository(Student).findOneBy({ id: studentId });
    if (!student || student.allianceId !== exam.allianceId) throw new NotFoundException('名单中没有该考生');
    assertScope(actor.canActForSchool(Role.Scanner, exam.allianceId, student.schoolId), '无权为其他学校的考生登记缺考');
    if (exam.status === ExamStatus.Published) throw new BadRequestException('该考试成绩已发布，不能再修改缺考登记');
    if (exam.status === ExamStatus.Imported) throw new BadRequestException(IMPORTED_EXAM_REFUSAL);
    return { exam, student, paper: await this.paperOf(exam, rawPaperId) };
  }

  /** The paper named, or the only one; a list may open on the first paper, a mark must name it. */
  private async paperOf(exam: Exam, rawPaperId: unknown, firstByDefault = false): Promise<Paper> {
    const papers = await this.ds.getRepository(Paper).find({ where: { examId: exam.id }, order: { id: 'ASC' } });
    const id = parseOptionalId(rawPaperId, '试卷编号');
    if (id === null) {
      if (papers.length === 1 || (firstByDefault && papers.length)) return papers[0];
      throw new BadRequestException(papers.length ? '本次考试有多份试卷，请指定试卷（paperId）' : '本次考试还没有试卷');
    }
    const paper = papers.find((p) => p.id === id);
    if (!paper) throw new NotFoundException('该试卷不属于本次考试');
    return paper;
  }

  private async scope(actor: Actor, examId: number, rawSchoolId: unknown, adminMayOmit: boolean) {
    const exam = await this.examOrFail(examId, actor);
    const schoolId = parseOptionalId(rawSchoolId, '学校编号');
    if (schoolId === null) {
      if (!adminMayOmit || !actor.isAdminOf(exam.allianceId)) throw new BadRequestException('请指定学校（schoolId）');
      return { exam, schoolId: null };
    }
    const school = await this.ds.getRepository(School).findOneBy({ id: schoolId });
    if (!school || school.allianceId !== exam.allianceId) throw new NotFoundException('该学校不在本次考试的联盟中');
    assertScope(actor.canActForSchool(Role.Scanner, exam.allianceId, schoolId), '无权查看该学校的扫描情况');
    return { exam, schoolId };
  }

  private async examOrFail(examId: number, actor: Actor): Promise<Exam> {
    const exam = await this.ds.getRepository(Exam).findOneBy({ id: examId });
    if (!exam) throw new NotFoundException('考试不存在');
    assertScope(actor.belongsTo(exam.allianceId), '无权访问该考试');
    return exam;
  }

  private async studentsById(ids: number[]): Promise<Map<number, Student>> {
    if (!ids.length) return new Map();
    return new Map((await this.ds.getRepository(Student).findBy({ id: In([...new Set(ids)]) })).map((s) => [s.id, s]));
  }
}

/**
 * Serialises the fixes of one batch among themselves. Ingestion does not take this lock (it orders a sheet's pages by
 * locking the student's row), so a fix and a page being read may still interleave; each re-reads under its own locks.
 */
async function lockBatch(m: EntityManager, batchId: number) {
  await m.query('SELECT id FROM scan_batch WHERE id = ? FOR UPDATE', [batchId]);
}
