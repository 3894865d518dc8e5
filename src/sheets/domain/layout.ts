// The answer-sheet layout: every coordinate that printing and reading share. Pure data, no I/O.
// Units are PDF points (1/72 inch), origin at the top-left of the page, y growing downwards.

export interface Circle {
  cx: number;
  cy: number;
  r: number;
}
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface ObjectiveBlock {
  itemId: number;
  label: string;
  /** Option letters in print order, e.g. ["A","B","C","D"] or ["T","F"]. */
  options: string[];
  bubbles: Circle[];
}
export interface SubjectiveBlock {
  itemId: number;
  label: string;
  maxScore: number;
  box: Box;
}

export interface PageLayout {
  pageNo: number;
  /**
   * Where the QR page code is printed (the symbol itself; a quiet zone of QR_QUIET_PT around it stays blank).
   * Absent on layouts made before the QR code existed: those pages are read by the bubble page code alone.
   */
  qr?: Box;
  /** Fiducial squares, centres and side, in the order top-left, top-right, bottom-left, bottom-right. */
  fiducials: { cx: number; cy: number; size: number }[];
  /** Page code cells: a filled cell is a 1 bit, most significant first. */
  pageCode: { value: number; cells: Box[] };
  /** Exam-number bubbles (page 1 only): examNo[d][v] is the bubble of value v in digit column d. */
  examNo: Circle[][] | null;
  /**
   * The barcode sticker area (条形码粘贴区, page 1 of a sheet laid out with one): the framed box where a Code 128 sticker of
   * the exam number is stuck, and where the reader looks for it. Absent on sheets without the area.
   */
  sticker?: Box;
  objective: ObjectiveBlock[];
  subjective: SubjectiveBlock[];
}

export type PaperSize = 'A4' | 'A3';

/** A vertical band of the page that content flows down: one on A4 portrait, two on A3 landscape. */
export interface Column {
  x: number;
  w: number;
}

export interface SheetLayout {
  /** 1: A4, bubble page code only. 2: adds the paper size, the columns and the QR page code. */
  version: 1 | 2;
  examId: number;
  paperId: number;
  title: string;
  subject: string;
  paperSize?: PaperSize;
  page: { width: number; height: number };
  /** Content columns, the same on every page (version 1 layouts: one column between the side margins). */
  columns?: Column[];
  examNoDigits: number;
  pages: PageLayout[];
}

export interface LayoutItem {
  id: number;
  label: string;
  type: 'single_choice' | 'multiple_choice' | 'true_false' | 'fill_in' | 'subjective';
  maxScore: number;
  optionCount: number;
  boxHeightMm: number;
}

export interface LayoutInput {
  /** A4 portrait (default) or A3 landscape with two columns. */
  paperSize?: PaperSize;
  examId: number;
  paperId: number;
  title: string;
  subject: string;
  examNoDigits: number;
  items: LayoutItem[];
  /** Print a barcode sticker area (条形码粘贴区) on page 1, at the top of the panel right of the exam-number grid. */
  barcodeArea?: boolean;
}

export const A4 = { width: 595.28, height: 841.89 };
/** A3 landscape: two A4 portrait pages side by side. */
export const A3 = { width: 1190.55, height: 841.89 };
export const PAGE_SIZES: Record<PaperSize, { width: number; height: number }> = { A4, A3 };
export const MM = 72 / 25.4;
export const PAGE_CODE_BITS = 24;
const FIDUCIAL_SIZE = 16;
const FIDUCIAL_INSET = 28;
const MARGIN_X = 50;
/** Between the two columns of an A3 sheet: wide enough that a fold or a staple in the middle touches nothing. */
const GUTTER = 50;
const BUBBLE_R = 5.5;
const BOTTOM_MARGIN = 52;

// QR page code: version 3 (29×29 modules) holds "TK1|exam|paper|page|student" with 6–8 digit ids at level M.
// 1.75 pt modules are 3.6 px at 150 dpi and 2.4 px at 100 dpi (our lowest): readable after scanning.
export const QR_VERSION = 3;
export const QR_MODULES = 29;
export const QR_MODULE_PT = 1.75;
export const QR_SIZE_PT = QR_MODULES * QR_MODULE_PT;
/** Blank margin round the symbol: four modules, the quiet zone of ISO/IEC 18004. */
export const QR_QUIET_PT = 4 * QR_MODULE_PT;
/** Top of the content on pages after the first: below the QR code's quiet zone. */
const CONTENT_TOP = 108;
/** Tallest answer box a page can hold (whole millimetres), on A4 and on A3 (same height): 240 mm. */
export const MAX_BOX_MM = Math.floor((A4.height - BOTTOM_MARGIN - CONTENT_TOP) / (72 / 25.4));

/** 24-bit page code: paper id in the high 20 bits, page number (1–15) in the low 4. */
export function encodePageCode(paperId: number, pageNo: number): number {
  if (paperId < 1 || paperId >= 1 << 20 || pageNo < 1 || pageNo > 15)
    throw new Error(`page code out of range: paper ${paperId}, page ${pageNo}`);
  return paperId * 16 + pageNo;
}
export function decodePageCode(value: number): { paperId: number; pageNo: number } {
  return { paperId: Math.floor(value / 16), pageNo: value % 16 };
}

function fiducials(size: { width: number; height: number }): PageLayout['fiducials'] {
  const { width: w, height: h } = size;
  const i = FIDUCIAL_INSET;
  return [
    { cx: i, cy: i, size: FIDUCIAL_SIZE },
    { cx: w - i, cy: i, size: FIDUCIAL_SIZE },
    { cx: i, cy: h - i, size: FIDUCIAL_SIZE },
    { cx: w - i, cy: h - i, size: FIDUCIAL_SIZE },
  ];
}

function pageCodeCells(value: number, pageWidth: number): PageLayout['pageCode'] {
  const cell = 9;
  const gap = 3;
  const x0 = pageWidth - MARGIN_X - PAGE_CODE_BITS * (cell + gap) + gap;
  const cells: Box[] = [];
  for (let b = 0; b < PAGE_CODE_BITS; b++) cells.push({ x: x0 + b * (cell + gap), y: 40, w: cell, h: cell });
  return { value, cells };
}

export function optionLetters(item: LayoutItem): string[] {
  if (item.type === 'true_false') return ['T', 'F'];
  return Array.from({ length: item.optionCount }, (_, k) => String.fromCharCode(65 + k));
}

/** Top-left, under the fiducial's corner and left of the title; the quiet zone ends above the exam-number block. */
function qrBox(): Box {
  return { x: MARGIN_X + QR_QUIET_PT, y: 44, w: QR_SIZE_PT, h: QR_SIZE_PT };
}

/** The content columns of a layout; version 1 layouts (A4, no columns stored) have one between the side margins. */
export function layoutColumns(layout: Pick<SheetLayout, 'columns' | 'page'>): Column[] {
  return layout.columns ?? [{ x: MARGIN_X, w: layout.page.width - 2 * MARGIN_X }];
}

function columnsFor(size: PaperSize): Column[] {
  if (size === 'A4') return [{ x: MARGIN_X, w: A4.width - 2 * MARGIN_X }];
  const w = (A3.width - 2 * MARGIN_X - GUTTER) / 2;
  return [
    { x: MARGIN_X, w },
    { x: MARGIN_X + w + GUTTER, w },
  ];
}

const isObjective = (t: LayoutItem['type']) => t === 'single_choice' || t === 'multiple_choice' || t === 'true_false';

/** Exam-number grid: one column per digit, values 0–9 downwards. Header text and the QR code sit above it. */
const EXAM_NO_GRID = { colPitch: 17, rowPitch: 15, y: 140 };
/** Where the content below the exam-number grid starts. */
const BELOW_EXAM_NO = EXAM_NO_GRID.y + 10 * EXAM_NO_GRID.rowPitch + 22;

/**
 * The sticker area: 24 mm high, as wide as the panel right of the exam-number grid (90 mm on A4). A label of 50 × 20 mm
 * (the usual 考务 sticker: Code 128 of up to 12 digits at 0.33 mm a module is 40 mm) fits with room to stick it askew.
 */
export const STICKER_AREA_H = 24 * MM;
/** The panel right of the exam-number grid: name, class, instructions, and the sticker area on top when there is one. */
export function headerPanelX(col0: Column, grid: Circle[][]): { x0: number; x1: number } {
  const last = grid[grid.length - 1][0];
  return { x0: Math.max(last.cx + last.r + 25, col0.x + 240), x1: col0.x + col0.w };
}
/** The top of the exam-number write-in row, which the header panel starts level with. */
export function examNoWriteTop(grid: Circle[][]): number {
  return grid[0][0].cy - grid[0][0].r - 15;
}
/** The sticker area on top of the header panel; the panel's other content (and everything below) moves down by its height. */
function stickerBox(col0: Column, grid: Circle[][]): Box {
  const { x0, x1 } = headerPanelX(col0, grid);
  return { x: x0, y: examNoWriteTop(grid) - 2, w: x1 - x0, h: STICKER_AREA_H };
}
/** What the sticker area adds to the header's height: itself and a gap below it. */
export const STICKER_AREA_SHIFT = STICKER_AREA_H + 8;

function examNoGrid(x: number, digits: number): Circle[][] {
  const { colPitch, rowPitch, y } = EXAM_NO_GRID;
  return Array.from({ length: digits }, (_, d) =>
    Array.from({ length: 10 }, (_, v) => ({ cx: x + d * colPitch, cy: y + v * rowPitch, r: BUBBLE_R })),
  );
}

/**
 * Objective items on the page from `top`: four (or three) columns, rows of 18pt, options 19pt apart. Returns where the
 * content below the block starts.
 */
function placeObjective(
  page: PageLayout,
  objective: LayoutItem[],
  column: Column,
  top: number,
  bottom: number,
): number {
  if (!objective.length) return top;
  for (const item of objective) {
    if (item.type !== 'true_false' && (item.optionCount < 2 || item.optionCount > 8))
      throw new Error(`第${item.label}题选项个数应在 2–8 之间`);
  }
  const y = top + 14; // block title
  // Four columns fit up to five options (A–E); items with more options get three wider columns.
  const cols = Math.max(...objective.map((i) => optionLetters(i).length)) > 5 ? 3 : 4;
  const colWidth = column.w / cols;
  const rows = Math.ceil(objective.length / cols);
  const rowH = 18;
  if (y + rows * rowH > bottom) throw new Error(`客观题过多（${objective.length}题），一页放不下`);
  objective.forEach((item, k) => {
    const x = column.x + Math.floor(k / rows) * colWidth + 30;
    const cy = y + (k % rows) * rowH + rowH / 2;
    const options = optionLetters(item);
    page.objective.push({
      itemId: item.id,
      label: item.label,
      options,
      bubbles: options.map((_, o) => ({ cx: x + o * 19, cy, r: BUBBLE_R })),
    });
  });
  return y + rows * rowH + 16;
}

/**
 * Subjective (and fill-in) boxes, column width, height per item, from `top` of the first page's first column; a box
 * that does not fit goes to the next column, after the last column to the next page (`newPage`).
 */
function placeSubjective(
  items: LayoutItem[],
  columns: Column[],
  bottom: number,
  first: PageLayout,
  top: number,
  newPage: () => PageLayout,
): void {
  let page = first;
  let col = 0;
  let y = top;
  for (const item of items) {
    const h = Math.max(15, item.boxHeightMm) * MM;
    if (h > bottom - CONTENT_TOP) throw new Error(`第${item.label}题答题框过高，一页放不下`);
    if (y + h > bottom) {
      if (col + 1 < columns.length) col++;
      else {
        page = newPage();
        col = 0;
      }
      y = CONTENT_TOP;
    }
    page.subjective.push({
      itemId: item.id,
      label: item.label,
      maxScore: item.maxScore,
      box: { x: columns[col].x, y, w: columns[col].w, h },
    });
    y += h + 10;
  }
}

/**
 * Lays out a paper: header, QR code and exam-number bubbles on page 1, then the objective block (four columns of
 * items), then one box per subjective item, flowing down the page's columns (one on A4, two on A3) onto further pages.
 */
export function buildSheetLayout(input: LayoutInput): SheetLayout {
  if (input.examNoDigits < 4 || input.examNoDigits > 12) throw new Error('考号位数应在 4–12 之间');
  const paperSize = input.paperSize ?? 'A4';
  if (!(paperSize in PAGE_SIZES)) throw new Error('纸张只能是 A4 或 A3');
  const size = PAGE_SIZES[paperSize];
  const columns = columnsFor(paperSize);
  const bottom = size.height - BOTTOM_MARGIN;
  const pages: PageLayout[] = [];
  const newPage = (): PageLayout => {
    const pageNo = pages.length + 1;
    const p: PageLayout = {
      pageNo,
      fiducials: fiducials(size),
      pageCode: pageCodeCells(encodePageCode(input.paperId, pageNo), size.width),
      qr: qrBox(),
      examNo: null,
      objective: [],
      subjective: [],
    };
    pages.push(p);
    return p;
  };
  const first = newPage();
  first.examNo = examNoGrid(columns[0].x + 10, input.examNoDigits);
  // Only sheets with the area carry the key: the layouts (and their hashes) of sheets without it stay as they were.
  if (input.barcodeArea) first.sticker = stickerBox(columns[0], first.examNo);
  const objective = input.items.filter((i) => isObjective(i.type));
  const below = BELOW_EXAM_NO + (first.sticker ? STICKER_AREA_SHIFT : 0);
  const y = placeObjective(first, objective, columns[0], below, bottom);
  const subjective = input.items.filter((i) => !isObjective(i.type));
  placeSubjective(subjective, columns, bottom, first, y, newPage);

  return {
    version: 2,
    examId: input.examId,
    paperId: input.paperId,
    title: input.title,
    subject: input.subject,
    paperSize,
    page: { ...size },
    columns,
    examNoDigits: input.examNoDigits,
    pages,
  };
}
