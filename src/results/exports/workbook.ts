// What every XLSX export shares: the file handed to the controller, sheet names Excel accepts, percentages, headers.
import ExcelJS from 'exceljs';

export interface XlsxFile {
  fileName: string;
  data: Buffer;
}

/** Sheet names: at most 31 characters, none of : \ / ? * [ ]. */
export const sheetName = (s: string, used: Set<string>) => {
  let base = s.replace(/[:\\/?*[\]]/g, ' ').slice(0, 28) || '表';
  let name = base;
  for (let i = 2; used.has(name); i++) name = `${base}${i}`;
  used.add(name);
  return name;
};

export const pct = (x: number | null | undefined) =>
  x === null || x === undefined ? null : Math.round(x * 10000) / 100;

export function styleHeader(ws: ExcelJS.Worksheet) {
  const row = ws.getRow(1);
  row.font = { bold: true };
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  ws.columns.forEach((c) => (c.width = Math.max(10, String(c.header ?? '').length * 2 + 2)));
}

export async function xlsxFile(wb: ExcelJS.Workbook, fileName: string): Promise<XlsxFile> {
  return { fileName, data: Buffer.from(await wb.xlsx.writeBuffer()) };
}
