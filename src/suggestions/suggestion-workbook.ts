// The suggestion library as an Excel workbook (exceljs): reading an upload's cells and writing the export. What the
// cells mean is domain/import-plan.ts's.
import ExcelJS from 'exceljs';
import type { Cell } from '../exams/domain/blueprint.js';
import { readSheetRows, type UploadedSheetFile } from '../exams/sheet-upload.js';
import { exportHeader, exportRow, type CurrentSuggestion } from './domain/import-plan.js';
import { FINDING_KINDS } from './domain/kinds.js';

export type { UploadedSheetFile };

export const SHEET_NAME = '补短板建议库';
const MAX_ROWS = 5000;
/** 5,000 suggestions of a few hundred characters unpack to a few MB; beyond this the file is not a library. */
const MAX_LIBRARY_UNPACKED_BYTES = 32 * 1024 * 1024;

/** Cell values of the library sheet (or the first sheet), rows[0] = spreadsheet row 1. */
export function readSuggestionRows(file: UploadedSheetFile | undefined): Promise<Cell[][]> {
  return readSheetRows(file, {
    what: '建议库',
    sheetName: SHEET_NAME,
    maxRows: MAX_ROWS,
    maxUnpackedBytes: MAX_LIBRARY_UNPACKED_BYTES,
  });
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
