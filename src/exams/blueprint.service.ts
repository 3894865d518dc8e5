import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { Actor, assertScope } from '../common/actor.js';
import { AuditLog } from '../common/entities/audit-log.entity.js';
import {
  blueprintHeader,
  blueprintMatrix,
  blueprintRow,
  parseBlueprint,
  type BlueprintItem,
  type Cell,
} from './domain/blueprint.js';
import type { ItemTypeName, MarkingModeName, RoundingModeName } from './domain/paper-validation.js';
import { uploadedFileName } from './domain/upload-name.js';
import { ExamsService } from './exams.service.js';
import { KnowledgePointsService } from './knowledge-points.service.js';
import { PaperWorkflowService } from './paper-workflow.service.js';
import { DataSource } from 'typeorm';

export interface UploadedSheetFile {
  originalname: string;
  buffer: Buffer;
  size: number;
}

const SHEET_NAME = '双向细目表';
const MAX_ROWS = 1000;

/** The blueprint (双向细目表) of a paper as an XLSX file: export, and import that replaces a draft's items. */
@Injectable()
export class BlueprintService {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(ExamsService) private readonly exams: ExamsService,
    @Inject(PaperWorkflowService) private readonly workflow: PaperWorkflowService,
    @Inject(KnowledgePointsService) private readonly kps: KnowledgePointsService,
  ) {}

  /** Cell values of the blueprint sheet (or the first sheet), rows[0] = spreadsheet row 1. */
  private async readRows(file: UploadedSheetFile | undefined): Promise<Cell[][]> {
    if (!file?.buffer?.length) throw new BadRequestException('请用表单字段 file 上传 Excel（.xlsx）格式的双向细目表');
    const unreadable = new BadRequestException(
      `无法读取“${uploadedFileName(file.originalname)}”：请上传 Excel（.xlsx）格式的双向细目表（.xls 请先另存为 .xlsx）`,
    );
    if (file.buffer.subarray(0, 2).toString('latin1') !== 'PK') throw unreadable;
    const wb = new ExcelJS.Workbook();
    try {
      await wb.xlsx.load(file.buffer as unknown as ArrayBuffer);
    } catch {
      throw unreadable;
    }
    const ws = wb.getWorksheet(SHEET_NAME) ?? wb.worksheets[0];
    if (!ws) throw unreadable;
    if (ws.rowCount > MAX_ROWS) throw new BadRequestException(`细目表最多 ${MAX_ROWS} 行`);
    const rows: Cell[][] = [];
    ws.eachRow({ includeEmpty: true }, (row, n) => {
      const values = row.values as Cell[];
      rows[n - 1] = Array.isArray(values) ? values.slice(1) : [];
    });
    for (let i = 0; i < rows.length; i++) rows[i] ??= [];
    return rows;
  }

  /** All or nothing: a draft's items are replaced only if every row is good; otherwise every bad row is named. */
  async importBlueprint(actor: Actor, paperId: number, file: UploadedSheetFile | undefined) {
    await this.exams.paperWithItems(paperId);
    await this.workflow.withEditablePaper(actor, paperId, async (m, paper, exam) => {
      const parsed = parseBlueprint(await this.readRows(file));
      if (!parsed.ok)
        throw new BadRequestException({
          statusCode: 400,
          message: `细目表有${parsed.errors.length}处错误，未导入：${parsed.errors.join('；')}`,
          errors: parsed.errors,
        });
      await this.workflow.replaceItems(
        m,
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
    const rows: BlueprintItem[] = items.map((i) => ({
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
    }));

    const wb = blueprintWorkbook(rows);

    const matrix = blueprintMatrix(rows);
    const sum = wb.addWorksheet('细目表汇总');
    sum.addRow([`${exam.name} · ${paper.subject} · ${paper.title}（第${paper.version}版）各知识点 × 认知层次分值`]);
    sum.addRow(['知识点', ...matrix.levels, '合计']);
    for (const r of matrix.rows) sum.addRow([r.knowledgePoint, ...r.scores, r.total]);
    // An item on two knowledge points appears in both rows; the totals count it once.
    sum.addRow(['合计（每题计一次）', ...matrix.levelTotals, matrix.total]);
    sum.getRow(2).font = { bold: true };
    sum.getColumn(1).width = 36;

    const data = Buffer.from(await wb.xlsx.writeBuffer());
    await this.ds.getRepository(AuditLog).insert({
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
    const parsed = parseBlueprint(await this.readRows(file));
    if (!parsed.ok)
      throw new BadRequestException({
        statusCode: 400,
        message: `细目表有${parsed.errors.length}处错误，未创建试卷：${parsed.errors.join('；')}`,
        errors: parsed.errors,
      });
    return this.exams.createPaper(actor, examId, { subject: body?.subject, title: body?.title, items: parsed.items });
  }

  /** GET /api/blueprint-template.xlsx: the columns with one example of each kind of item, to fill in. */
  async template(): Promise<Buffer> {
    const common = {
      parentLabel: null,
      partialCredit: null,
      cognitiveLevel: '理解',
      markingMode: 'single' as MarkingModeName,
      tolerance: 0,
      scoreStep: 1,
      roundingMode: 'half_up' as RoundingModeName,
      boxHeightMm: 0,
    };
    const examples: BlueprintItem[] = [
      {
        ...common,
        label: '1',
        type: 'single_choice',
        maxScore: 3,
        optionCount: 4,
        answerKey: 'B',
        knowledgePoints: ['数与代数/有理数'],
      },
      {
        ...common,
        label: '2',
        type: 'multiple_choice',
        maxScore: 4,
        optionCount: 4,
        answerKey: 'AC',
        partialCredit: 0.5,
        knowledgePoints: ['图形与几何/三角形'],
      },
      {
        ...common,
        label: '3',
        type: 'true_false',
        maxScore: 2,
        optionCount: 2,
        answerKey: 'T',
        knowledgePoints: ['数与代数/方程'],
        cognitiveLevel: '了解',
      },
      {
        ...common,
        label: '4',
        type: 'fill_in',
        maxScore: 4,
        optionCount: 0,
        answerKey: null,
        knowledgePoints: ['数与代数/方程'],
        boxHeightMm: 15,
      },
      {
        ...common,
        label: '17(1)',
        parentLabel: '17',
        type: 'subjective',
        maxScore: 6,
        optionCount: 0,
        answerKey: null,
        knowledgePoints: ['图形与几何/三角形'],
        cognitiveLevel: '掌握',
        markingMode: 'double',
        tolerance: 1,
        boxHeightMm: 50,
      },
      {
        ...common,
        label: '17(2)',
        parentLabel: '17',
        type: 'subjective',
        maxScore: 8,
        optionCount: 0,
        answerKey: null,
        knowledgePoints: ['图形与几何/三角形'],
        cognitiveLevel: '运用',
        markingMode: 'double_arbitration',
        tolerance: 2,
        scoreStep: 0.5,
        boxHeightMm: 70,
      },
    ];
    return Buffer.from(await blueprintWorkbook(examples).xlsx.writeBuffer());
  }
}

/** The blueprint sheet (one row per item) and its summary matrix (knowledge point × cognitive level). */
function blueprintWorkbook(rows: BlueprintItem[]): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'tongkao';
  const ws = wb.addWorksheet(SHEET_NAME);
  ws.addRow(blueprintHeader());
  for (const r of rows) ws.addRow(blueprintRow(r));
  ws.getRow(1).font = { bold: true };
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  ws.columns.forEach((c, k) => (c.width = k === 7 ? 36 : 12));
  return wb;
}
