// The suggestion library as an Excel workbook (exceljs): reading an upload's cells and writing the export. What the
// cells mean is domain/import-plan.ts's.
import { BadRequestException } from '@nestjs/common';
import ExcelJS from 'exceljs';
import type { Cell } from '../exams/domain/blueprint.js';
import { uploadedFileName } from '../exams/domain/upload-name.js';
import { exportHeader, exportRow, type CurrentSuggestion } from './domain/import-plan.js';
import { FINDING_KINDS } from './domain/kinds.js';

export interface UploadedSheetFile {
  originalname: string;
  buffer: Buffer;
  size: number;
}

export const SHEET_NAME = '补短板建议库';
const MAX_ROWS = 5000;

/** Cell values of the library sheet (or the first sheet), rows[0] = spreadsheet row 1. */
export async function readSuggestionRows(file: UploadedSheetFile | undefined): Promise<Cell[][]> {
  if (!file?.buffer?.length) throw new BadRequestException('请用表单字段 file 上传 Excel（.xlsx）格式的建议库');
  const unreadable = new BadRequestException(
    `无法读取“${uploadedFileName(file.originalname)}”：请上传 Excel（.xlsx）格式的建议库（.xls 请先另存为 .xlsx）`,
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
  if (ws.rowCount > MAX_ROWS) throw new BadRequestException(`建议库最多 ${MAX_ROWS} 行`);
  const rows: Cell[][] = [];
  ws.eachRow({ includeEmpty: true }, (row, n) => {
    const values = row.values as Cell[];
    rows[n - 1] = Array.isArray(values) ? values.slice(1) : [];
  });
  for (let i = 0; i < rows.length; i++) rows[i] ??= [];
  return rows;
}

export interface ExportedSuggestion extends CurrentSuggestion {
  author: string;
  updatedAt: Date;
}

/** The library as an .xlsx: one row per suggestion (editable, importable as it is), and a sheet explaining the columns. */
export async function suggestionsXlsx(rows: ExportedSuggestion[], dateText: (d: Date) => string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'tongkao';
  const ws = wb.addWorksheet(SHEET_NAME);
  ws.addRow(exportHeader());
  for (const r of rows) ws.addRow([...exportRow(r), r.version, r.author, dateText(r.updatedAt)]);
  ws.getRow(1).font = { bold: true };
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  const widths = [8, 10, 14, 28, 10, 70, 8, 6, 14, 18];
  ws.columns.forEach((c, k) => (c.width = widths[k] ?? 12));
  ws.getColumn(6).alignment = { wrapText: true, vertical: 'top' };
  const help = wb.addWorksheet('填写说明');
  for (const line of [
    ['编号', '留空表示新增；已有建议保留导出的编号，修改其他列即为修改（生成新版本）'],
    ['学科', '留空表示通用建议（只有联盟管理员可以维护）；已有建议的学科不能修改'],
    ['发现类型', Object.values(FINDING_KINDS).join('、') + '；针对知识点或认知层次的建议可留空（适用于各类发现）'],
    ['知识点', '知识点路径（如 数与代数/一元一次方程）或名称；上位知识点的建议也适用于其下各知识点'],
    ['认知层次', '如 了解、理解、掌握、运用；需同时填写学科'],
    ['建议内容', '最多 1000 字'],
    ['状态', '在用 或 停用；停用的建议不再出现在报告中，可再改为在用'],
    ['版本、修改人、修改时间', '仅供查看，导入时忽略'],
  ])
    help.addRow(line);
  help.getColumn(1).width = 22;
  help.getColumn(2).width = 100;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
