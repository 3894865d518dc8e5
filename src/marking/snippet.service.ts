// Answer snippets as markers and subject leads reach them: by their opaque token, in scope, as an image.
import { GoneException, Inject, Injectable, NotFoundException, StreamableFile } from '@nestjs/common';
import { Actor, assertScope } from '../common/actor.js';
import type { Exam } from '../exams/entities/exam.entity.js';
import type { Item } from '../exams/entities/item.entity.js';
import type { Paper } from '../exams/entities/paper.entity.js';
import { ExamRepository } from '../exams/exam.repository.js';
import { PaperRepository } from '../exams/paper.repository.js';
import type { AnswerSnippet } from '../scans/entities/answer-snippet.entity.js';
import { BlobStore } from '../storage/blob-store.js';
import { PURGED, ScanPurgeRepository } from '../scans/scan-purge.repository.js';
import { ItemFactsRepository } from './item-facts.repository.js';
import { MarkingSnippetRepository } from './marking-snippet.repository.js';
import { MarkingTaskRepository } from './marking-task.repository.js';

/** A snippet with the item, paper and exam it is of. */
export interface SnippetContext {
  snippet: AnswerSnippet;
  item: Item;
  paper: Paper;
  exam: Exam;
}

/** The row must exist (a foreign key says it does). */
function must<T>(row: T | null, what: string): T {
  if (!row) throw new Error(`${what} not found`);
  return row;
}

@Injectable()
export class SnippetService {
  constructor(
    @Inject(MarkingSnippetRepository) private readonly snippets: MarkingSnippetRepository,
    @Inject(ItemFactsRepository) private readonly items: ItemFactsRepository,
    @Inject(PaperRepository) private readonly papers: PaperRepository,
    @Inject(ExamRepository) private readonly exams: ExamRepository,
    @Inject(MarkingTaskRepository) private readonly tasks: MarkingTaskRepository,
    @Inject(BlobStore) private readonly blobs: BlobStore,
    @Inject(ScanPurgeRepository) private readonly purges: ScanPurgeRepository,
  ) {}

  async image(actor: Actor, token: string): Promise<StreamableFile> {
    const ctx = await this.context(token);
    let allowed = actor.isSubjectLeadOf(ctx.exam.allianceId, ctx.paper.subject);
    // A marker sees a snippet only while holding its task, or after marking it (to review own marks).
    if (!allowed && actor.isMarkerIn(ctx.exam.allianceId, ctx.paper.subject))
      allowed = await this.tasks.markerMaySee(ctx.snippet.id, actor.userId, new Date());
    assertScope(allowed, '您无权查看该答卷');
    let data: Buffer;
    try {
      data = await this.blobs.get(ctx.snippet.blobKey);
    } catch {
      if (await this.purges.of(ctx.exam.id)) throw new GoneException(PURGED);
      throw new NotFoundException('答卷图片缺失，请联系扫描员');
    }
    return new StreamableFile(data, { type: imageType(data), length: data.length });
  }

  /** The snippet of the token, with its item, paper and exam; 404 when there is none. */
  async context(token: string): Promise<SnippetContext> {
    if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{1,40}$/.test(token)) throw new NotFoundException('答卷不存在');
    const snippet = await this.snippets.byToken(token);
    if (!snippet) throw new NotFoundException('答卷不存在');
    const item = must(await this.items.item(snippet.itemId), 'item');
    const paper = must(await this.papers.findById(item.paperId), 'paper');
    const exam = must(await this.exams.findById(snippet.examId), 'exam');
    return { snippet, item, paper, exam };
  }
}

/** The content type from the bytes themselves (snippets are JPEG; PNG tolerated). */
function imageType(data: Buffer): string {
  if (data.length > 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.length > 8 && data.readUInt32BE(0) === 0x89504e47) return 'image/png';
  return 'application/octet-stream';
}
