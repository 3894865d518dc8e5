import { BadRequestException, ConflictException, ForbiddenException, Inject, Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { Role } from '../common/role.js';
import { ExamRepository } from '../exams/exam.repository.js';
import { SchoolRepository } from '../org/school.repository.js';
import type { FailedJob } from '../queue/jobs.js';
import { Pipeline } from '../queue/pipeline.js';
import { ScannedPageRepository } from '../scans/scanned-page.repository.js';
import { failureInWords, jobKindName } from './domain/failed-jobs.js';

/** One failed job as the 失败任务 page shows it. */
export interface FailedJobRow {
  queue: string;
  id: string;
  kind: string;
  kindName: string;
  allianceId: number;
  examId: number;
  examName: string;
  schoolId: number | null;
  schoolName: string | null;
  /** The page's file name, for a page that was not read. */
  pageName: string | null;
  /** Why, in words (failureInWords); `detail` is the error as the job reported it. */
  error: string;
  detail: string;
  attempts: number;
  failedAt: string | null;
}

interface Place {
  examId: number;
  schoolId: number | null;
  pageName: string | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) ? v : null);

/**
 * Background jobs (reading pages, computing results, rendering reports) that used up their attempts: listed for the
 * admins of the exam's alliance, who may run them again once the cause is fixed. The queue holds them (BullMQ's failed
 * set); a job lost with Redis is found by the worker's reconciliation instead.
 */
@Injectable()
export class FailedJobsService {
  constructor(
    @Inject(Pipeline) private readonly pipeline: Pipeline,
    @Inject(ExamRepository) private readonly exams: ExamRepository,
    @Inject(SchoolRepository) private readonly schools: SchoolRepository,
    @Inject(ScannedPageRepository) private readonly pages: ScannedPageRepository,
  ) {}

  /** GET /api/jobs/failed: the failed jobs of the alliances the actor administers, newest first. */
  async list(actor: Actor): Promise<FailedJobRow[]> {
    const rows = await this.rows(await this.pipeline.failedJobs());
    const mine = new Set(actor.alliancesAs(Role.Admin));
    return rows
      .filter((r) => mine.has(r.allianceId))
      .sort((a, b) => (b.failedAt ?? '').localeCompare(a.failedAt ?? '') || a.id.localeCompare(b.id));
  }

  /** POST /api/jobs/failed/retry: runs one failed job again, for an admin of its exam's alliance. */
  async retry(actor: Actor, body: unknown): Promise<{ queue: string; id: string; retried: true }> {
    const { queue, id } = (body ?? {}) as { queue?: unknown; id?: unknown };
    if (typeof queue !== 'string' || !Pipeline.isQueue(queue) || typeof id !== 'string' || !id || id.length > 200)
      throw new BadRequestException('请指明要重试的任务');
    const job = await this.pipeline.failedJob(queue, id);
    const [row] = job ? await this.rows([job]) : [];
    // Another alliance's job answers like a missing one: its existence is not told.
    if (!row || !actor.isAdminOf(row.allianceId))
      throw new ConflictException('该任务已不在失败列表中（可能已重试或已完成）');
    if (!(await this.pipeline.retryFailed(queue, id)))
      throw new ConflictException('该任务已不在失败列表中（可能已重试或已完成）');
    return { queue, id, retried: true };
  }

  private async rows(jobs: FailedJob[]): Promise<FailedJobRow[]> {
    const pageIds = jobs.map((j) => num(j.data.pageId)).filter((x): x is number => x !== null);
    const pages = new Map((await this.pages.placesOf([...new Set(pageIds)])).map((p) => [Number(p.id), p]));
    const places = new Map<FailedJob, Place>();
    for (const j of jobs) {
      const pageId = num(j.data.pageId);
      const page = pageId === null ? undefined : pages.get(pageId);
      const examId = page ? Number(page.examId) : num(j.data.examId);
      if (examId === null) continue; // a page deleted since: nothing left to retry
      const schoolId = page ? Number(page.schoolId) : num(j.data.schoolId);
      places.set(j, { examId, schoolId, pageName: page?.originalName || null });
    }
    const exams = new Map(
      (await this.exams.findByIds([...new Set([...places.values()].map((p) => p.examId))])).map((e) => [e.id, e]),
    );
    const schoolIds = [...places.values()].map((p) => p.schoolId).filter((x): x is number => x !== null);
    const schools = new Map((await this.schools.findByIds([...new Set(schoolIds)])).map((s) => [s.id, s]));
    const out: FailedJobRow[] = [];
    for (const [j, p] of places) {
      const exam = exams.get(p.examId);
      if (!exam) continue;
      out.push({
        queue: j.queue,
        id: j.id,
        kind: j.name,
        kindName: jobKindName(j.name),
        allianceId: exam.allianceId,
        examId: exam.id,
        examName: exam.name,
        schoolId: p.schoolId,
        schoolName: p.schoolId === null ? null : (schools.get(p.schoolId)?.name ?? null),
        pageName: p.pageName,
        error: failureInWords(j.failedReason),
        detail: j.failedReason.slice(0, 500),
        attempts: j.attemptsMade,
        failedAt: j.failedAt?.toISOString() ?? null,
      });
    }
    return out;
  }
}
