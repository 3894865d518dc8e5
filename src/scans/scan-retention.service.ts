// Retention of an exam's images (PIPL): scans, answer snippets and OMR crops may be deleted once the exam's period
// after its results' release has passed. Rows stay (results, marks and reports refer to them); only the image blobs
// go. Every change of the period and every purge is audited.
import { BadRequestException, ConflictException, Inject, Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { ExamAccess, examChecks } from '../exams/exam-access.js';
import type { Exam } from '../exams/entities/exam.entity.js';
import { ExamRepository } from '../exams/exam.repository.js';
import { ResultsReleaseRepository } from '../results/results-release.repository.js';
import { BlobStore } from '../storage/blob-store.js';
import { parseRetentionDays, retentionVerdict } from './domain/scan-retention.js';
import { IMAGE_COLUMNS, ScanPurgeRepository } from './scan-purge.repository.js';

const ADMIN_ONLY = '只有本联盟的管理员可以管理答题卡图像的保留期限';
/** Blobs deleted at once. */
const PARALLEL = 16;

export interface PurgeSummary {
  examId: number;
  pages: number;
  snippets: number;
  crops: number;
  /** Reduced page copies for the notices. */
  reduced: number;
  blobsDeleted: number;
  blobsShared: number;
}

@Injectable()
export class ScanRetentionService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ExamAccess) private readonly exams: ExamAccess,
    @Inject(ExamRepository) private readonly examRows: ExamRepository,
    @Inject(ResultsReleaseRepository) private readonly releases: ResultsReleaseRepository,
    @Inject(ScanPurgeRepository) private readonly purges: ScanPurgeRepository,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
    @Inject(BlobStore) private readonly blobs: BlobStore,
  ) {}

  /** GET /api/exams/:id/scan-retention: the period, when it falls due, and the purge if one was done. */
  async status(actor: Actor, examId: number) {
    const exam = await this.exams.forActor(actor, examId, examChecks.admin, ADMIN_ONLY);
    return this.describe(exam);
  }

  /** PUT /api/exams/:id/scan-retention { days }: the exam's own period (null: the installation's default). */
  async setDays(actor: Actor, examId: number, body: { days?: unknown } | undefined) {
    const exam = await this.exams.forActor(actor, examId, examChecks.admin, ADMIN_ONLY);
    const days = parseRetentionDays(body?.days);
    if (days !== null && typeof days === 'object') throw new BadRequestException(days.error);
    await this.examRows.setScanRetentionDays(exam.id, days);
    await this.audit.record({
      userId: actor.userId,
      action: 'scans.retention.set',
      entity: 'exam',
      entityId: String(exam.id),
      detail: { from: exam.scanRetentionDays, to: days },
    });
    return this.describe({ ...exam, scanRetentionDays: days });
  }

  /** POST /api/exams/:id/scan-retention/purge: deletes the images now, if the period has passed (409 otherwise). */
  async purgeFor(actor: Actor, examId: number): Promise<PurgeSummary> {
    const exam = await this.exams.forActor(actor, examId, examChecks.admin, ADMIN_ONLY);
    return this.purge(exam, actor.userId);
  }

  /** The scheduled purge (npm run purge-scans): every released exam whose period has passed. */
  async purgeDue(now = new Date()): Promise<PurgeSummary[]> {
    const out: PurgeSummary[] = [];
    for (const examId of await this.purges.releasedNotPurged()) {
      const exam = await this.examRows.findById(examId);
      if (!exam) continue;
      if ((await this.verdict(exam, now)).due) out.push(await this.purge(exam, null));
    }
    return out;
  }

  private async verdict(exam: Exam, now = new Date()) {
    const release = await this.releases.of(exam.id);
    return retentionVerdict({
      examDays: exam.scanRetentionDays,
      defaultDays: this.config.retentionDays,
      releasedAt: release?.releasedAt ?? null,
      now,
    });
  }

  private async describe(exam: Exam) {
    const v = await this.verdict(exam);
    const purge = await this.purges.of(exam.id);
    return {
      examId: exam.id,
      examDays: exam.scanRetentionDays,
      defaultDays: this.config.retentionDays,
      days: v.days,
      dueAt: v.dueAt,
      due: v.due,
      reason: v.due ? null : v.reason,
      purge,
    };
  }

  private async purge(exam: Exam, userId: number | null): Promise<PurgeSummary> {
    const v = await this.verdict(exam);
    if (!v.due) throw new ConflictException(v.reason);
    const summary: PurgeSummary = {
      examId: exam.id,
      pages: 0,
      snippets: 0,
      crops: 0,
      reduced: 0,
      blobsDeleted: 0,
      blobsShared: 0,
    };
    const done = new Set<string>();
    // recorded before the first blob goes: an interrupted purge is on the log, and running it again finishes it
    await this.audit.record({
      userId,
      action: 'scans.purge.start',
      entity: 'exam',
      entityId: String(exam.id),
      detail: { days: v.days, dueAt: v.dueAt },
    });
    for (const { kind } of IMAGE_COLUMNS) {
      for await (const batch of this.purges.imageKeys(kind, exam.id)) {
        summary[kind] += batch.length;
        const fresh = [...new Set(batch)].filter((k) => !done.has(k));
        const shared = await this.purges.namedElsewhere(exam.id, fresh);
        const gone = fresh.filter((k) => !shared.has(k));
        for (let i = 0; i < gone.length; i += PARALLEL)
          await Promise.all(gone.slice(i, i + PARALLEL).map((k) => this.blobs.delete(k)));
        for (const k of fresh) done.add(k);
        summary.blobsDeleted += gone.length;
        summary.blobsShared += shared.size;
      }
    }
    await this.purges.record({ ...summary, purgedAt: new Date(), purgedBy: userId });
    await this.audit.record({
      userId,
      action: 'scans.purge',
      entity: 'exam',
      entityId: String(exam.id),
      detail: summary,
    });
    return summary;
  }
}
