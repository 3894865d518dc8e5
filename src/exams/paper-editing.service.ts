import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { Actor } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import type { Tx } from '../database/unit-of-work.js';
import { validatePaper, type ValidItem } from './domain/paper-validation.js';
import type { Exam } from './entities/exam.entity.js';
import type { Paper } from './entities/paper.entity.js';
import { ItemRepository } from './item.repository.js';
import { KnowledgePointsService } from './knowledge-points.service.js';
import { PaperRepository } from './paper.repository.js';
import { PaperWorkflowService } from './paper-workflow.service.js';

export interface EditPaperBody {
  title?: unknown;
  items?: unknown;
}

/** How item-level errors are named: by item label over JSON, by spreadsheet row for a blueprint. */
export type IssueNamer = (index: number, item: ValidItem) => string;
const byLabel: IssueNamer = (_i, item) => `第${item.label}题`;

/** A draft's content: its title and items, changed only through the workflow's gate (a draft, by its editors). */
@Injectable()
export class PaperEditingService {
  constructor(
    @Inject(PaperWorkflowService) private readonly workflow: PaperWorkflowService,
    @Inject(PaperRepository) private readonly papers: PaperRepository,
    @Inject(ItemRepository) private readonly items: ItemRepository,
    @Inject(KnowledgePointsService) private readonly kps: KnowledgePointsService,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
  ) {}

  /** Replaces every item of a draft paper (all or nothing) and recomputes full marks; the sheet layout is dropped. */
  async replaceItems(
    tx: Tx,
    actor: Actor,
    paper: Paper,
    exam: Exam,
    items: ValidItem[],
    fullMarks: number,
    nameOf: IssueNamer = byLabel,
    source = 'json',
  ) {
    const kp = await this.kps.resolveForItems(tx, exam.allianceId, paper.subject, items);
    if (kp.errors.length) {
      const errors = kp.errors.map((e) => `${nameOf(e.index, items[e.index])}：${e.message}`);
      throw new BadRequestException({
        statusCode: 400,
        message: `试卷有${errors.length}处错误：${errors.join('；')}`,
        errors,
      });
    }
    await this.items.replaceForPaper(tx, paper.id, items, kp);
    await this.papers.itemsReplaced(tx, paper.id, fullMarks);
    await this.audit.record(
      {
        userId: actor.userId,
        action: 'replace_items',
        entity: 'paper',
        entityId: String(paper.id),
        detail: { source, items: items.length, fullMarks },
      },
      tx,
    );
  }

  async editPaper(actor: Actor, paperId: number, body: EditPaperBody) {
    await this.workflow.withEditablePaper(actor, paperId, async (tx, paper, exam) => {
      const title = body?.title === undefined ? paper.title : body.title;
      if (body?.items === undefined) {
        const v = validatePaper({
          subject: paper.subject,
          title,
          items: [{ label: '1', type: 'fill_in', maxScore: 1 }],
        });
        if (!v.ok)
          throw new BadRequestException({
            statusCode: 400,
            message: `试卷有误：${v.errors.join('；')}`,
            errors: v.errors,
          });
        await this.retitle(tx, actor, paper.id, v.paper.title);
        return;
      }
      const v = validatePaper({ subject: paper.subject, title, items: body.items });
      if (!v.ok)
        throw new BadRequestException({
          statusCode: 400,
          message: `试卷有${v.errors.length}处错误：${v.errors.join('；')}`,
          errors: v.errors,
        });
      if (v.paper.title !== paper.title) await this.retitle(tx, actor, paper.id, v.paper.title);
      await this.replaceItems(tx, actor, paper, exam, v.paper.items, v.paper.fullMarks);
    });
  }

  private async retitle(tx: Tx, actor: Actor, paperId: number, title: string) {
    await this.papers.setTitle(tx, paperId, title);
    await this.audit.record(
      { userId: actor.userId, action: 'update', entity: 'paper', entityId: String(paperId), detail: { title } },
      tx,
    );
  }
}
