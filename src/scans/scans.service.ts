// Scan batches: upload (images and ZIPs), progress, the exceptions queue and page images. Scope checked here.
import { BadRequestException, Inject, Injectable, NotFoundException, StreamableFile } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { Role } from '../common/role.js';
import { type Actor, assertScope } from '../common/actor.js';
import { AuditLog } from '../common/entities/audit-log.entity.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { IMPORTED_EXAM_REFUSAL } from '../exams/domain/results-import.js';
import { Exam, ExamStatus } from '../exams/entities/exam.entity.js';
import { School } from '../org/entities/school.entity.js';
import { Pipeline } from '../queue/pipeline.js';
import { BlobStore } from '../storage/blob-store.js';
import { IMAGE_EXT, sniffKind, zipEntrySkipReason, type UploadKind } from './domain/upload-files.js';
import { ScanBatch } from './entities/scan-batch.entity.js';
import { PageStatus, ScannedPage } from './entities/scanned-page.entity.js';
import { ScanImageCodec } from './scan-image.codec.js';
import { streamToFile, type ReceivedFile } from './scan-upload.interceptor.js';
import { ZipReader } from './zip-reader.js';

/** One page image: an A4 scan at 300 dpi is a few MB even as PNG; far larger is not a page. */
export const MAX_IMAGE_BYTES = 60 * 1024 * 1024;
/** Pages one upload may turn into (ZIP entries and TIFF pages together): a county's day of scanning, not a bomb. */
export const MAX_PAGES_PER_UPLOAD = 20_000;

export interface UploadResult {
  batchId: number;
  accepted: number;
  duplicates: number;
  skipped: { name: string; reason: string }[];
}

interface PendingImage {
  name: string;
  kind: Exclude<UploadKind, 'zip'>;
  sha256: string;
  /** Either a finished temp file (moved into the store) or bytes (a page split out of a multi-page TIFF). */
  path?: string;
  data?: Buffer;
}

interface BatchContext {
  exam: Exam;
  schoolId: number;
  batch: ScanBatch;
  accepted: ScannedPage[];
  requeue: ScannedPage[];
  duplicates: number;
  skipped: { name: string; reason: string }[];
}

const clip = (s: string, n = 200) => (s.length <= n ? s : `…${s.slice(s.length - n + 1)}`);

@Injectable()
export class ScansService {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(BlobStore) private readonly blobs: BlobStore,
    @Inject(Pipeline) private readonly pipeline: Pipeline,
    @Inject(ScanImageCodec) private readonly codec: ScanImageCodec,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Stores a school's uploaded scans (images, multi-page TIFFs, ZIPs of them) as one batch, one page per new image,
   * and queues each page for ingestion. The same image again (same content) is a duplicate and adds nothing.
   */
  async upload(actor: Actor, examId: number, rawSchoolId: unknown, files: ReceivedFile[]): Promise<UploadResult> {
    const exam = await this.examOrFail(examId, actor);
    const schoolId = parseSchoolId(rawSchoolId);
    if (schoolId === null) throw new BadRequestException('请指定学校（表单字段 schoolId）');
    await this.schoolOfExamOrFail(exam, schoolId);
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

      const batch = await this.ds.getRepository(ScanBatch).save({
        examId: exam.id,
        schoolId,
        uploadedBy: actor.userId,
        originalName: clip(files.map((f) => f.originalname).join('、')),
        pageCount: 0,
      });
      const ctx: BatchContext = { exam, schoolId, batch, accepted: [], requeue: [], duplicates: 0, skipped: [] };
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
      await this.ds.getRepository(ScanBatch).update({ id: batch.id }, { pageCount: ctx.accepted.length });
      await this.pipeline.pagesStored([...ctx.accepted, ...ctx.requeue]);
      return { batchId: batch.id, accepted: ctx.accepted.length, duplicates: ctx.duplicates, skipped: ctx.skipped };
    } finally {
      for (const z of zips.values()) z.close();
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

  /** A multi-page TIFF (as many scanners write a whole stack) becomes one page image per TIFF page. */
  private async addImage(ctx: BatchContext, img: PendingImage) {
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
        for (let p = 0; p < pages; p++) {
          const data = await this.codec.tiffPageAsPng(img.path, p);
          await this.addOne(ctx, {
            name: `${img.name}#${p + 1}`,
            kind: 'png',
            sha256: createHash('sha256').update(data).digest('hex'),
            data,
          });
        }
        return;
      }
    }
    await this.addOne(ctx, img);
  }

  private async addOne(ctx: BatchContext, img: PendingImage) {
    const pages = this.ds.getRepository(ScannedPage);
    const existing = await pages.findOneBy({ examId: ctx.exam.id, contentHash: img.sha256 });
    if (existing) {
      ctx.duplicates++;
      // Still waiting (e.g. the queue was down at the first upload): queue it again; the job id keeps this idempotent.
      if (existing.status === PageStatus.Queued && !ctx.requeue.some((p) => p.id === existing.id))
        ctx.requeue.push(existing);
      return;
    }
    const blobKey = `scans/${img.sha256.slice(0, 2)}/${img.sha256}${IMAGE_EXT[img.kind]}`;
    if (img.path) await this.blobs.putFile(blobKey, img.path);
    else await this.blobs.put(blobKey, img.data!);
    try {
      const page = await pages.save({
        examId: ctx.exam.id,
        batchId: ctx.batch.id,
        schoolId: ctx.schoolId,
        contentHash: img.sha256,
        blobKey,
        originalName: clip(img.name),
        status: PageStatus.Queued,
      });
      ctx.accepted.push(page);
    } catch (err) {
      if ((err as { code?: string }).code !== 'ER_DUP_ENTRY') throw err;
      ctx.duplicates++; // the same image arrived in a concurrent upload
    }
  }

  /** Pages of the exam (of one school, or all for an admin) by ingestion status. */
  async status(actor: Actor, examId: number, rawSchoolId: unknown) {
    const { exam, schoolId } = await this.scope(actor, examId, rawSchoolId);
    const qb = this.ds
      .getRepository(ScannedPage)
      .createQueryBuilder('p')
      .select('p.status', 'status')
      .addSelect('COUNT(*)', 'n')
      .where('p.examId = :examId', { examId: exam.id });
    if (schoolId !== null) qb.andWhere('p.schoolId = :schoolId', { schoolId });
    const rows: { status: string; n: string }[] = await qb.groupBy('p.status').getRawMany();
    const count = (s: PageStatus) => Number(rows.find((r) => r.status === s)?.n ?? 0);
    const byStatus = {
      queued: count(PageStatus.Queued),
      processed: count(PageStatus.Processed),
      exception: count(PageStatus.Exception),
      skipped: count(PageStatus.Skipped),
    };
    // Discarded pages are set aside by a person: counted apart, not in the total.
    const discarded = count(PageStatus.Discarded);
    // Objective items waiting for a person (OMR review): not scored until resolved.
    const [{ n: omrReview }] = await this.ds.query(
      `SELECT COUNT(*) AS n FROM omr_review WHERE exam_id = ? AND status = 'open'${schoolId !== null ? ' AND school_id = ?' : ''}`,
      schoolId !== null ? [exam.id, schoolId] : [exam.id],
    );
    return {
      examId: exam.id,
      schoolId,
      total: byStatus.queued + byStatus.processed + byStatus.exception + byStatus.skipped,
      ...byStatus,
      discarded,
      omrReview: Number(omrReview),
    };
  }

  /** The exceptions queue: pages that could not be read, with the reason in Chinese and a link to the image. */
  async exceptions(actor: Actor, examId: number, rawSchoolId: unknown) {
    const { exam, schoolId } = await this.scope(actor, examId, rawSchoolId);
    const pages = await this.ds.getRepository(ScannedPage).find({
      where: { examId: exam.id, status: PageStatus.Exception, ...(schoolId !== null ? { schoolId } : {}) },
      order: { id: 'ASC' },
    });
    return pages.map((p) => ({
      pageId: p.id,
      code: p.exceptionCode,
      reason: p.exceptionReason,
      originalName: p.originalName,
      imageUrl: `/api/scans/pages/${p.id}/image`,
      batchId: p.batchId,
      schoolId: p.schoolId,
      pageNo: p.pageNo,
      examNoRead: p.examNoRead,
    }));
  }

  /** A page image for the scanner of its school (or an admin). Every view is audited: sheets carry children's data. */
  async pageImage(actor: Actor, pageId: number): Promise<StreamableFile> {
    const page = await this.ds.getRepository(ScannedPage).findOneBy({ id: pageId });
    if (!page) throw new NotFoundException('扫描图像不存在');
    const exam = await this.examOrFail(page.examId, actor);
    assertScope(actor.canActForSchool(Role.Scanner, exam.allianceId, page.schoolId), '无权查看该学校的扫描图像');
    await this.ds.getRepository(AuditLog).insert({
      userId: actor.userId,
      action: 'view_scan_image',
      entity: 'scanned_page',
      entityId: String(page.id),
      detail: { examId: exam.id, schoolId: page.schoolId },
    });
    if (page.blobKey.endsWith('.tif')) {
      return new StreamableFile(await this.codec.browserViewable(await this.blobs.get(page.blobKey)), {
        type: 'image/jpeg',
      });
    }
    const type = page.blobKey.endsWith('.png') ? 'image/png' : 'image/jpeg';
    return new StreamableFile(this.blobs.stream(page.blobKey), { type, disposition: 'inline' });
  }

  private async scope(actor: Actor, examId: number, rawSchoolId: unknown) {
    const exam = await this.examOrFail(examId, actor);
    const schoolId = parseSchoolId(rawSchoolId);
    if (schoolId === null) {
      if (!actor.isAdminOf(exam.allianceId)) throw new BadRequestException('请指定学校（schoolId）');
      return { exam, schoolId: null };
    }
    await this.schoolOfExamOrFail(exam, schoolId);
    assertScope(actor.canActForSchool(Role.Scanner, exam.allianceId, schoolId), '无权查看该学校的扫描情况');
    return { exam, schoolId };
  }

  private async examOrFail(examId: number, actor?: Actor): Promise<Exam> {
    const exam = await this.ds.getRepository(Exam).findOneBy({ id: examId });
    if (!exam) throw new NotFoundException('考试不存在');
    if (actor) assertScope(actor.belongsTo(exam.allianceId), '无权访问该考试');
    return exam;
  }

  private async schoolOfExamOrFail(exam: Exam, schoolId: number) {
    const school = await this.ds.getRepository(School).findOneBy({ id: schoolId });
    if (!school || school.allianceId !== exam.allianceId) throw new NotFoundException('该学校不在本次考试的联盟中');
    return school;
  }
}

function parseSchoolId(raw: unknown): number | null {
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (v === undefined || v === null || v === '') return null;
  const s = String(v).trim();
  if (!/^\d{1,10}$/.test(s) || Number(s) <= 0) throw new BadRequestException(`学校编号“${s}”无效`);
  return Number(s);
}
