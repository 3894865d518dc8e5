// The blueprint (双向细目表) as an Excel workbook (exceljs): reading an upload's cells, writing the sheet, its summary
// matrix and the template. What the cells mean is domain/blueprint.ts's.
import ExcelJS from 'exceljs';
import { blueprintHeader, blueprintMatrix, blueprintRow, type BlueprintItem, type Cell } from './domain/blueprint.js';
import type { MarkingModeName, RoundingModeName } from './domain/paper-validation.js';
import { readSheetRows, type UploadedSheetFile } from './sheet-upload.js';

export type { UploadedSheetFile };

const SHEET_NAME = '双向细目表';
const MAX_ROWS = 1000;
/** A blueprint of 1,000 rows unpacks to well under 1 MB; beyond this the file is not a blueprint (a ZIP bomb). */
export const MAX_BLUEPRINT_UNPACKED_BYTES = 16 * 1024 * 1024;

/** Cell values of the blueprint sheet (or the first sheet), rows[0] = spreadsheet row 1. */
export function readBlueprintRows(file: UploadedSheetFile | undefined): Promise<Cell[][]> {
  return readSheetRows(file, {
    what: '双向细目表',
    sheetName: SHEET_NAME,
    maxRows: MAX_ROWS,
    maxUnpackedBytes: MAX_BLUEPRINT_UNPACKED_BYTES,
  });
}

/** The blueprint sheet (one row per item). */
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

/** A paper's blueprint as an .xlsx: the sheet, and its summary matrix (knowledge point × cognitive level) under `title`. */
export async function blueprintXlsx(rows: BlueprintItem[], title: string): Promise<Buffer> {
  const wb = blueprintWorkbook(rows);
  const matrix = blueprintMatrix(rows);
  const sum = wb.addWorksheet('细目表汇总');
  sum.addRow([title]);
  sum.addRow(['知识点', ...matrix.levels, '合计']);
  for (const r of matrix.rows) sum.addRow([r.knowledgePoint, ...r.scores, r.total]);
  // An item on two knowledge points appears in both rows; the totals count it once.
  sum.addRow(['合计（每题计一次）', ...matrix.levelTotals, matrix.total]);
  sum.getRow(2).font = { bold: true };
  sum.getColumn(1).width = 36;
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const COMMON = {
  parentLabel: null,
  partialCredit: null,
  cognitiveLevel: '理解',
  markingMode: 'single' as MarkingModeName,
  tolerance: 0,
  scoreStep: 1,
  roundingMode: 'half_up' as RoundingModeName,
  boxHeightMm: 0,
};
/** One example of each kind of item, as the template shows them. */
const TEMPLATE_EXAMPLES: BlueprintItem[] = [
  {
    ...COMMON,
    label: '1',
    type: 'single_choice',
    maxScore: 3,
    optionCount: 4,
    answerKey: 'B',
    knowledgePoints: ['数与代数/有理数'],
  },
  {
    ...COMMON,
    label: '2',
    type: 'multiple_choice',
    maxScore: 4,
    optionCount: 4,
    answerKey: 'AC',
    partialCredit: 0.5,
    knowledgePoints: ['图形与几何/三角形'],
  },
  {
    ...COMMON,
    label: '3',
    type: 'true_false',
    maxScore: 2,
    optionCount: 2,
    answerKey: 'T',
    knowledgePoints: ['数与代数/方程'],
    cognitiveLevel: '了解',
  },
  {
    ...COMMON,
    label: '4',
    type: 'fill_in',
    maxScore: 4,
    optionCount: 0,
    answerKey: null,
    knowledgePoints: ['数与代数/方程'],
    boxHeightMm: 15,
  },
  {
    ...COMMON,
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
    ...COMMON,
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

/** The columns with one example of each kind of item, to fill in. */
export async function templateXlsx(): Promise<Buffer> {
  return Buffer.from(await blueprintWorkbook(TEMPLATE_EXAMPLES).xlsx.writeBuffer());
}
