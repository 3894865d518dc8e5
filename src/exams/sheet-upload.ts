// An uploaded .xlsx read into the cell values of one sheet, for the imports that take a form (双向细目表, 补短板建议库):
// the file measured before exceljs inflates it (zip-limits.ts), every refusal in Chinese naming the file.
import { BadRequestException } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { unpackedSizeWithin } from '../common/zip-limits.js';
import type { Cell } from './domain/blueprint.js';
import { uploadedFileName } from './domain/upload-name.js';

export interface UploadedSheetFile {
  originalname: string;
  buffer: Buffer;
  size: number;
}

export interface SheetForm {
  /** What the file is, as the refusals say it: '双向细目表', '建议库'. */
  what: string;
  /** The sheet read, or the first one when the workbook has none of this name. */
  sheetName: string;
  maxRows: number;
  /** What the file may unpack to; a form of maxRows rows unpacks to far less. */
  maxUnpackedBytes: number;
}

/** Cell values of the form's sheet, rows[0] = spreadsheet row 1 (missing rows as []). */
export async function readSheetRows(file: UploadedSheetFile | undefined, form: SheetForm): Promise<Cell[][]> {
  if (!file?.buffer?.length) throw new BadRequestException(`请用表单字段 file 上传 Excel（.xlsx）格式的${form.what}`);
  const name = uploadedFileName(file.originalname);
  const unreadable = new BadRequestException(
    `无法读取“${name}”：请上传 Excel（.xlsx）格式的${form.what}（.xls 请先另存为 .xlsx）`,
  );
  if (file.buffer.subarray(0, 2).toString('latin1') !== 'PK') throw unreadable;
  const unpacked = await unpackedSizeWithin(file.buffer, form.maxUnpackedBytes);
  if (unpacked === 'unreadable') throw unreadable;
  if (unpacked === 'too_big')
    throw new BadRequestException(
      `“${name}”解压后超过 ${form.maxUnpackedBytes / 1024 / 1024} MB，不像是${form.what}，请检查文件`,
    );
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(file.buffer as unknown as ArrayBuffer);
  } catch {
    throw unreadable;
  }
  const ws = wb.getWorksheet(form.sheetName) ?? wb.worksheets[0];
  if (!ws) throw unreadable;
  if (ws.rowCount > form.maxRows) throw new BadRequestException(`${form.what}最多 ${form.maxRows} 行`);
  const rows: Cell[][] = [];
  ws.eachRow({ includeEmpty: true }, (row, n) => {
    const values = row.values as Cell[];
    rows[n - 1] = Array.isArray(values) ? values.slice(1) : [];
  });
  for (let i = 0; i < rows.length; i++) rows[i] ??= [];
  return rows;
}
