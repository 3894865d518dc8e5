import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { Actor, assertScope } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import { blueprintXlsx, readBlueprintRows, templateXlsx, type UploadedSheetFile } from './blueprint-workbook.js';
import { parseBlueprint, type BlueprintItem } from './domain/blueprint.js';
import type { ItemTypeName, MarkingModeName, RoundingModeName } from './domain/paper-validation.js';
import type { Item } from './entities/item.entity.js';
import { ExamsService } from './exams.service.js';
import { KnowledgePointsService } from './knowledge-points.service.js';
import { PaperEditingService } from './paper-editing.service.js';
import { PaperWorkflowService } from './paper-workflow.service.js';

/** An item as a blueprint row; `paths`: full knowledge-point paths by node id. */
function blueprintItem(i: Item, paths: Map<number, string>): BlueprintItem {
  return {
    label: i.label,
    parentLabel: i.parentLabel,
    type: i.type as ItemTypeName,
    maxScore: i.maxScore,
    optionCount: i.optionCount,
    answerKey: i.answerKey,
    partialCredit: i.partialCredit,
    // Full paths when the item references tree nodes, so a re-import lands on the same nodes.
    knowledgePoints: i.knowledgePointIds?.length
      ? i.knowledgePointIds.map((id) => paths.get(id) ?? '').filter(Boolean)
      : i.knowledgePoints,
    cognitiveLevel: i.cognitiveLevel,
    markingMode: i.markingMode as MarkingModeName,
    tolerance: i.tolerance,
    scoreStep: i.scoreStep,
    roundingMode: i.roundingMode as RoundingModeName,
    boxHeightMm: i.boxHeightMm,
  };
}

/** The blueprint (双向细目表) of a paper as an XLSX file: export, and import that replaces a draft's items. */
@Injectable()
export class BlueprintService {
  constructor(
    @Inject(ExamsService) private readonly exams: ExamsService,
    @Inject(PaperWorkflowService) private readonly workflow: PaperWorkflowService,
    @Inject(PaperEditingService) private readonly editing: PaperEditingService,
    @Inject(KnowledgePointsService) private readonly kps: KnowledgePointsService,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
  ) {}

  /** All or nothing: a draft's items are replaced only if every row is good; otherwise every bad row is named. */
  async importBlueprint(actor: Actor, paperId: number, file: UploadedSheetFile | undefined) {
    await this.exams.paperWithItems(paperId);
    await this.workflow.withEditablePaper(actor, paperId, async (tx, paper, exam) => {
      const parsed = parseBlueprint(await readBlueprintRows(file));
      if (!parsed.ok)
        throw new BadRequestException({
          statusCode: 400,
          message: `细目表有${parsed.errors.length}处错误，未导入：${parsed.errors.join('；')}`,
          errors: parsed.errors,
        });
      await this.editing.replaceItems(
        tx,
        actor,
        paper,
        exam,
        parsed.items,
        parsed.fullMarks,
        (i) => `第${parsed.rows[i]}行`,
        'blueprint',
      );
    });
    return this.exams.getPaper(actor, paperId);
  }

  async exportBlueprint(actor: Actor, paperId: number): Promise<{ data: Buffer; fileName: string }> {
    const { paper, exam, items } = await this.exams.paperWithItems(paperId);
    assertScope(
      actor.isSubjectLeadOf(exam.allianceId, paper.subject),
      `只有“${paper.subject}”学科组长或联盟管理员可以导出该试卷的细目表（含答案）`,
    );
    const paths = await this.kps.pathsById(items.flatMap((i) => i.knowledgePointIds ?? []));
    const data = await blueprintXlsx(
      items.map((i) => blueprintItem(i, paths)),
      `${exam.name} · ${paper.subject} · ${paper.title}（第${paper.version}版）各知识点 × 认知层次分值`,
    );
    await this.audit.record({
      userId: actor.userId,
      action: 'export_blueprint',
      entity: 'paper',
      entityId: String(paperId),
      detail: { items: items.length },
    });
    return { data, fileName: `${paper.subject}-${paper.title}-第${paper.version}版-双向细目表.xlsx` };
  }

  /**
   * POST /api/exams/:id/papers/blueprint: a new draft paper whose items come from a 双向细目表 (multipart: subject,
   * title, file). Nothing is created unless every row is good; the errors name spreadsheet rows.
   */
  async createPaperFromBlueprint(
    actor: Actor,
    examId: number,
    body: { subject?: unknown; title?: unknown } | undefined,
    file: UploadedSheetFile | undefined,
  ) {
    const parsed = parseBlueprint(await readBlueprintRows(file));
    if (!parsed.ok)
      throw new BadRequestException({
        statusCode: 400,
        message: `细目表有${parsed.errors.length}处错误，未创建试卷：${parsed.errors.join('；')}`,
        errors: parsed.errors,
      });
    return this.exams.createPaper(actor, examId, { subject: body?.subject, title: body?.title, items: parsed.items });
  }

  /** GET /api/blueprint-template.xlsx: the columns with one example of each kind of item, to fill in. */
  template(): Promise<Buffer> {
    return templateXlsx();
  }
}
