// Reads an uploaded roster file (CSV or XLSX) into spreadsheet rows. Validation lives in domain/roster.ts.
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { unpackedSizeWithin } from '../common/zip-limits.js';
import type { SheetRow } from './domain/roster.js';

/** A file we cannot read at all; the message is shown to the teacher. */
export class RosterFileError extends Error {}

const MAX_ROWS = 20000;
/**
 * An .xlsx is a ZIP; the spreadsheet library inflates all of it in memory. A real roster of 20,000 students
 * unpacks to a few MB, so anything unpacking beyond this is refused before the library sees it.
 */
export const MAX_XLSX_UNPACKED_BYTES = 64 * 1024 * 1024;

export async function readRosterFile(data: Buffer, fileName: string): Promise<SheetRow[]> {
  if (data.length === 0) throw new RosterFileError('文件为空');
  const ext = fileName.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1] ?? '';
  const isZip = data.length > 4 && data.readUInt32LE(0) === 0x04034b50; // "PK\3\4": xlsx is a ZIP
  const isOle = data.length > 8 && data.readUInt32BE(0) === 0xd0cf11e0; // legacy .xls
  if (ext === 'xls' || isOle) throw new RosterFileError('不支持旧版 .xls 文件，请在 Excel/WPS 中另存为 .xlsx 或 .csv');
  if (ext === 'xlsx' || isZip) return readXlsx(data);
  if (ext === 'csv' || ext === 'txt' || ext === '') return readCsv(data);
  throw new RosterFileError(`不支持的文件类型 .${ext}，请上传 .csv 或 .xlsx 文件`);
}

/** Text of a CSV: UTF-8 (BOM stripped) if it is valid UTF-8, UTF-16 if it says so, else GB18030 (Excel in China). */
export function decodeCsvText(data: Buffer): string {
  if (data[0] === 0xff && data[1] === 0xfe) return new TextDecoder('utf-16le').decode(data);
  if (data[0] === 0xfe && data[1] === 0xff) return new TextDecoder('utf-16be').decode(data);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data); // drops a leading BOM
  } catch {
    return new TextDecoder('gb18030').decode(data);
  }
}

function readCsv(data: Buffer): SheetRow[] {
  const text = decodeCsvText(data);
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  // "Unicode text" from Excel is tab-separated; everything else here is comma-separated.
  const delimiter = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
  let records: string[][];
  try {
    // Empty lines are kept as records so that record k is spreadsheet row k + 1.
    records = parse(text, {
      delimiter,
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
    }) as string[][];
  } catch (err) {
    throw new RosterFileError(`CSV 文件格式有误，无法读取（${(err as Error).message}）`);
  }
  if (records.length > MAX_ROWS + 1) throw new RosterFileError(`文件行数过多（最多 ${MAX_ROWS} 名学生），请分批导入`);
  return records.map((cells, i) => ({ rowNo: i + 1, cells }));
}

async function readXlsx(data: Buffer): Promise<SheetRow[]> {
  const unpacked = await unpackedSizeWithin(data, MAX_XLSX_UNPACKED_BYTES);
  if (unpacked === 'unreadable') throw new RosterFileError('无法读取 .xlsx 文件，文件可能已损坏或不是 Excel 文件');
  if (unpacked === 'too_big')
    throw new RosterFileError(
      `Excel 文件解压后过大（超过 ${MAX_XLSX_UNPACKED_BYTES / 1024 / 1024} MB），不像是学生名单或成绩表，请检查文件或分批导入`,
    );
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw new RosterFileError('无法读取 .xlsx 文件，文件可能已损坏或不是 Excel 文件');
  }
  const ws = wb.worksheets[0];
  if (!ws) throw new RosterFileError('文件为空：工作簿中没有工作表');
  if (ws.actualRowCount > MAX_ROWS + 1)
    throw new RosterFileError(`文件行数过多（最多 ${MAX_ROWS} 名学生），请分批导入`);
  const rows: SheetRow[] = [];
  // `.text` renders numbers, rich text, hyperlinks and formula results the way the sheet shows them.
  ws.eachRow({ includeEmpty: false }, (row, rowNo) => {
    const cells: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) cells.push(row.getCell(c).text ?? '');
    rows.push({ rowNo, cells });
  });
  return rows;
}
