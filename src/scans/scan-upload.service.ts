// Uploads of scans: images, multi-page TIFFs and ZIPs of them become one batch of pages, each queued for reading.
import { BadRequestException, Inject, Injectable, Logger } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { assertScope, type Actor } from '../common/actor.js';
import { parseOptionalId } from '../common/parse-id.js';
import { Role } from '../common/role.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { IMPORTED_EXAM_REFUSAL } from '../exams/domain/results-import.js';
import { ExamStatus, type Exam } from '../exams/entities/exam.entity.js';
import { ExamAccess } from '../exams/exam-access.js';
import { Pipeline } from '../queue/pipeline.js';
import { BlobStore } from '../storage/blob-store.js';
import { oversizeReason } from './domain/image-size.js';
import { IMAGE_EXT, sniffKind, zipEntrySkipReason, type UploadKind } from './domain/upload-files.js';
import { PageStatus, type ScannedPage } from './entities/scanned-page.entity.js';
import { unavailableOf } from '../common/domain/unavailable.js';
import { UnitOfWork } from '../database/unit-of-work.js';
import { ScanAccess } from './scan-access.js';
import { ScanBatchRepository } from './scan-batch.repository.js';
import { ScanImageCodec } from './scan-image.codec.js';
import { streamToFile, type ReceivedFile } from './scan-upload.interceptor.js';
import { ScannedPageRepository } from './scanned-page.repository.js';
import { ZipReader } from './zip-reader.js';

/** One page image: an A4 scan at 300 dpi is a few MB even as PNG; far larger is not a page. */
export const MAX_IMAGE_BYTES = 60 * 1024 * 1024;
/** Pages one upload may turn into (ZIP entries and TIFF pages together): a county's day of scanning, not a bomb. */
export const MAX_PAGES_PER_UPLOAD = 20_000;

export interface UploadResult {
  /** null when every image was already stored (nothing new, no batch). */
  batchId: number | null;
  accepted: number;
  duplicates: number;
  skipped: { name: string; reason: string }[];
  /** The pages are stored but the queue was away: the worker's reconciliation queues them within minutes. */
  queueDelayed?: true;
}

interface PendingImage {
  name: string;
  kind: Exclude<UploadKind, 'zip'>;
  sha256: string;
  /** Either a finished temp file (moved into the store) or bytes, or a page of a TIFF already stored (`blobKey`). */
  path?: string;
  data?: Buffer;
  blobKey?: string;
  /** The 0-based page of the multi-page TIFF `blobKey`, which the worker takes out. */
  sourcePage?: number;
}

/** A page image checked and its blob stored, not yet a row: rows are written together at the end. */
interface StagedPage {
  contentHash: string;
  blobKey: string;
  originalName: string;
  sourcePage: number | null;
}

interface BatchContext {
  exam: Exam;
  schoolId: number;
  staged: Map<string, StagedPage>;
  requeue: ScannedPage[];
  duplicates: number;
  skipped: { name: string; reason: string }[];
}

const clip = (s: string, n = 200) => (s.length <= n ? s : `…${s.slice(s.length - n + 1)}`);

@Injectable()
export class ScanUploadService {
  constructor(
    @Inject(ExamAccess) private readonly exams: ExamAccess,
    @Inject(ScanAccess) private readonly access: ScanAccess,
    @Inject(ScanBatchRepository) private readonly batches: ScanBatchRepository,
    @Inject(ScannedPageRepository) private readonly pages: ScannedPageRepository,
    @Inject(BlobStore) private readonly blobs: BlobStore,
    @Inject(Pipeline) private readonly pipeline: Pipeline,
    @Inject(ScanImageCodec) private readonly codec: ScanImageCodec,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(UnitOfWork) private readonly uow: UnitOfWork,
  ) {}

  private readonly logger = new Logger('ScanUpload');

  /**
   * Stores a school's uploaded scans (images, multi-page TIFFs, ZIPs of them) as one batch, one page per new image,
   * and queues each page for ingestion. The same image again (same content) is a duplicate and adds nothing.
   */
  async upload(actor: Actor, examId: number, rawSchoolId: unknown, files: ReceivedFile[]): Promise<UploadResult> {
    const exam = await this.exams.forActor(actor, examId);
    const schoolId = parseOptionalId(rawSchoolId, '学校编号');
    if (schoolId === null) throw new BadRequestException('请指定学校（表单字段 schoolId）');
    await this.access.schoolOfExam(exam, schoolId);
    assertScope(actor.canActForSchool(Role.Scanner, exam.allianceId, schoolId), '无权为该学校上传扫描图像');
    if (exam.status === ExamStatus.Published) throw new BadRequestException('该考试成绩已发布，不能再上传扫描图像');
    if (exam.status === ExamStatus.Imported) throw new BadRequestException(IMPORTED_EXAM_REFUSAL);
    if (!files?.length) throw new BadRequestException('请选择要上传的扫描图像（表单字段 files）');

    // Check every file before storing any: a bad file refuses the whole upload and nothing is half-stored.
    const kinds = files.map((f) => {
      const kind = sniffKind(f.head);
      if (!kind) throw new BadRequestException(`文件「${f.originalname}」不是 PNG、JPEG、TIFF 图片或 ZIP 压缩包`);
      if (kind !== 'zip' && f.size > MAX_IMAGE_BYTES)
        throw new BadRequestException(`图片「${f.originalname}」过大（单张最多 ${MAX_IMAGE_BYTES / 1024 / 1024} MB）`);
      return kind;
    });
    const zips = new Map<number, ZipReader>();
    try {
      for (let n = 0; n < files.length; n++)
        if (kinds[n] === 'zip') zips.set(n, await ZipReader.open(files[n].path, files[n].originalname));
      const listed = files.length - zips.size + [...zips.values()].reduce((s, z) => s + z.entries.length, 0);
      if (listed > MAX_PAGES_PER_UPLOAD)
        throw new BadRequestException(
          `一次上传的图片过多（${listed} 个，最多 ${MAX_PAGES_PER_UPLOAD} 个），请分批上传`,
        );
      return await this.storeBatch(actor, exam, schoolId, files, kinds, zips);
    } finally {
      for (const z of zips.values()) z.close();
    }
  }

  /**
   * The checked files as one batch, whole or absent: every image's blob is stored first (content-addressed, so a
   * cut-off upload leaves at most blobs no row points at), then the batch and all its pages in one transaction, so
   * they become visible together and a retry never finds half a sheet; then their jobs. An upload with nothing usable
   * is refused and leaves no batch. The queue being away after the commit loses nothing: the pages are stored and
   * the worker's reconciliation queues them (the answer says so).
   */
  private async storeBatch(
    actor: Actor,
    exam: Exam,
    schoolId: number,
    files: ReceivedFile[],
    kinds: UploadKind[],
    zips: Map<number, ZipReader>,
  ): Promise<UploadResult> {
    const ctx: BatchContext = { exam, schoolId, staged: new Map(), requeue: [], duplicates: 0, skipped: [] };
    for (let n = 0; n < files.length; n++) {
      const f = files[n];
      const zip = zips.get(n);
      if (zip) await this.addZip(ctx, f.originalname, zip);
      else
        await this.addImage(ctx, {
          name: f.originalname,
          kind: kinds[n] as PendingImage['kind'],
          sha256: f.sha256,
          path: f.path,
        });
    }
    if (!ctx.staged.size && !ctx.duplicates) throw nothingUsable(ctx.skipped);
    const stored = ctx.staged.size ? await this.commitBatch(actor, ctx, files) : { batchId: null, pages: [] };
    const queued = await this.queue([...stored.pages, ...ctx.requeue]);
    return {
      batchId: stored.batchId,
      accepted: stored.pages.length,
      duplicates: ctx.duplicates + ctx.staged.size - stored.pages.length,
      skipped: ctx.skipped,
      ...(queued ? {} : { queueDelayed: true }),
    };
  }

  private async commitBatch(actor: Actor, ctx: BatchContext, files: ReceivedFile[]) {
    return this.uow.runOrm(async (tx) => {
      const batchId = await this.batches.createWithin(tx, {
        examId: ctx.exam.id,
        schoolId: ctx.schoolId,
        uploadedBy: actor.userId,
        originalName: clip(files.map((f) => f.originalname).join('、')),
        pageCount: ctx.staged.size,
      });
      const at = { examId: ctx.exam.id, batchId, schoolId: ctx.schoolId };
      const pages = await this.pages.insertUploadedMany(tx, at, [...ctx.staged.values()]);
      // Pages a concurrent upload stored first are that upload's: the count says what this batch holds.
      if (pages.length !== ctx.staged.size) await this.batches.setPageCountWithin(tx, batchId, pages.length);
      return { batchId, pages };
    });
  }

  /** Queues the pages; false when the queue is away (the reconciliation will queue them). */
  private async queue(pages: { id: number; examId: number; contentHash: string }[]): Promise<boolean> {
    try {
      await this.pipeline.pagesStored(pages);
      return true;
    } catch (err) {
      if (!unavailableOf(err)) throw err;
      this.logger.warn(`pages stored, queue away: ${(err as Error).message}`);
      return false;
    }
  }

  private async addZip(ctx: BatchContext, zipName: string, zip: ZipReader) {
    for (const e of zip.entries) {
      const name = `${zipName}/${e.name}`;
      const why = zipEntrySkipReason(e.name, e.uncompressedSize, MAX_IMAGE_BYTES);
      if (why === '') continue;
      if (why !== null) {
        ctx.skipped.push({ name, reason: why });
        continue;
      }
      if (e.encrypted) {
        ctx.skipped.push({ name, reason: '文件已加密，无法读取' });
        continue;
      }
      const tmp = join(this.config.dataDir, 'tmp', `zip-${randomUUID()}`);
      try {
        let got;
        try {
          got = await streamToFile(await zip.openStream(e), tmp);
        } catch {
          ctx.skipped.push({ name, reason: '压缩包中的该文件已损坏或压缩方式不受支持' });
          continue;
        }
        const kind = sniffKind(got.head);
        if (!kind || kind === 'zip') {
          ctx.skipped.push({ name, reason: '文件内容不是 PNG、JPEG 或 TIFF 图片' });
          continue;
        }
        await this.addImage(ctx, { name, kind, sha256: got.sha256, path: tmp });
      } finally {
        await rm(tmp, { force: true });
      }
    }
  }

  /**
   * A multi-page TIFF (as many scanners write a whole stack) becomes one page per TIFF page, all pointing at the TIFF:
   * here only its pages are counted (the header, not the pixels); the worker takes each page out when it reads it,
   * bounded in pixels. An image whose header says it is beyond a page's pixel cap is refused here by its size.
   */
  private async addImage(ctx: BatchContext, img: PendingImage) {
    if (img.path) {
      const size = await this.codec.dimensions(img.path);
      const tooBig = size && oversizeReason(size.width, size.height);
      if (tooBig) {
        ctx.skipped.push({ name: img.name, reason: tooBig });
        return;
      }
    }
    if (img.kind === 'tiff' && img.path) {
      let pages = 1;
      try {
        pages = await this.codec.pageCount(img.path);
      } catch {
        pages = 1; // unreadable: stored as it is, ingestion reports it
      }
      if (pages > MAX_PAGES_PER_UPLOAD) {
        ctx.skipped.push({
          name: img.name,
          reason: `多页 TIFF 共 ${pages} 页，超过上限 ${MAX_PAGES_PER_UPLOAD} 页，请拆分后上传`,
        });
        return;
      }
      if (pages > 1) {
        const blobKey = `scans/${img.sha256.slice(0, 2)}/${img.sha256}${IMAGE_EXT.tiff}`;
        let stored = false;
        for (let p = 0; p < pages; p++) {
          // Each page is known by the TIFF's content and its place in it: the same stack uploaded again adds nothing.
          const hash = createHash('sha256')
            .update(`${img.sha256}#${p + 1}`)
            .digest('hex');
          if (!stored && !ctx.staged.has(hash) && !(await this.pages.findByContentHash(ctx.exam.id, hash))) {
            await this.blobs.putFile(blobKey, img.path);
            stored = true;
          }
          await this.addOne(ctx, { name: `${img.name}#${p + 1}`, kind: 'tiff', sha256: hash, blobKey, sourcePage: p });
        }
        return;
      }
    }
    await this.addOne(ctx, img);
  }

  private async addOne(ctx: BatchContext, img: PendingImage) {
    if (ctx.staged.has(img.sha256)) {
      ctx.duplicates++; // the same image twice in this upload
      return;
    }
    const existing = await this.pages.findByContentHash(ctx.exam.id, img.sha256);
    if (existing) {
      ctx.duplicates++;
      // Still waiting (e.g. the queue was down at the first upload): queue it again; the job id keeps this idempotent.
      if (existing.status === PageStatus.Queued && !ctx.requeue.some((p) => p.id === existing.id))
        ctx.requeue.push(existing);
      return;
    }
    if (img.blobKey !== undefined) {
      ctx.staged.set(img.sha256, {
        contentHash: img.sha256,
        blobKey: img.blobKey,
        originalName: clip(img.name),
        sourcePage: img.sourcePage ?? null,
      });
      return;
    }
    const blobKey = `scans/${img.sha256.slice(0, 2)}/${img.sha256}${IMAGE_EXT[img.kind]}`;
    if (img.path) await this.blobs.putFile(blobKey, img.path);
    else await this.blobs.put(blobKey, img.data!);
    ctx.staged.set(img.sha256, { contentHash: img.sha256, blobKey, originalName: clip(img.name), sourcePage: null });
  }
}

/** Every file refused: nothing is stored, and each reason is said. */
function nothingUsable(skipped: { name: string; reason: string }[]): BadRequestException {
  const reasons = skipped.slice(0, 20).map((x) => `${x.name}：${x.reason}`);
  return new BadRequestException({
    statusCode: 400,
    message: `上传的文件中没有可用的扫描图像，未保存任何内容${reasons.length ? `（${reasons.join('；')}${skipped.length > 20 ? '…' : ''}）` : ''}`,
    skipped,
  });
}
