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
  /** Fiducial squares, centres and side, in the order top-left, top-right, bottom-left, bottom-right. */
  fiducials: { cx: number; cy: number; size: number }[];
  /** Page code cells: a filled cell is a 1 bit, most significant first. */
  pageCode: { value: number; cells: Box[] };
  /** Exam-number bubbles (page 1 only): examNo[d][v] is the bubble of value v in digit column d. */
  examNo: Circle[][] | null;
  objective: ObjectiveBlock[];
  subjective: SubjectiveBlock[];
}

export interface SheetLayout {
  version: 1;
  examId: number;
  paperId: number;
  title: string;
  subject: string;
  page: { width: number; height: number };
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
  examId: number;
  paperId: number;
  title: string;
  subject: string;
  examNoDigits: number;
  items: LayoutItem[];
}

export const A4 = { width: 595.28, height: 841.89 };
export const MM = 72 / 25.4;
export const PAGE_CODE_BITS = 24;
const FIDUCIAL_SIZE = 16;
const FIDUCIAL_INSET = 28;
const MARGIN_X = 50;
const BUBBLE_R = 5.5;
const BOTTOM_LIMIT = A4.height - 52;

/** 24-bit page code: paper id in the high 20 bits, page number (1–15) in the low 4. */
export function encodePageCode(paperId: number, pageNo: number): number {
  if (paperId < 1 || paperId >= 1 << 20 || pageNo < 1 || pageNo > 15) throw new Error(`page code out of range: paper ${paperId}, page ${pageNo}`);
  return paperId * 16 + pageNo;
}
export function decodePageCode(value: number): { paperId: number; pageNo: number } {
  return { paperId: Math.floor(value / 16), pageNo: value % 16 };
}

function fiducials(): PageLayout['fiducials'] {
  const { width: w, height: h } = A4;
  const i = FIDUCIAL_INSET;
  return [
    { cx: i, cy: i, size: FIDUCIAL_SIZE },
    { cx: w - i, cy: i, size: FIDUCIAL_SIZE },
    { cx: i, cy: h - i, size: FIDUCIAL_SIZE },
    { cx: w - i, cy: h - i, size: FIDUCIAL_SIZE },
  ];
}

function pageCodeCells(value: number): PageLayout['pageCode'] {
  const cell = 9;
  const gap = 3;
  const x0 = A4.width - MARGIN_X - PAGE_CODE_BITS * (cell + gap) + gap;
  const cells: Box[] = [];
  for (let b = 0; b < PAGE_CODE_BITS; b++) cells.push({ x: x0 + b * (cell + gap), y: 40, w: cell, h: cell });
  return { value, cells };
}

export function optionLetters(item: LayoutItem): string[] {
  if (item.type === 'true_false') return ['T', 'F'];
  return Array.from({ length: item.optionCount }, (_, k) => String.fromCharCode(65 + k));
}

const isObjective = (t: LayoutItem['type']) => t === 'single_choice' || t === 'multiple_choice' || t === 'true_false';

/**
 * Lays out a paper on A4 pages: header and exam-number bubbles on page 1, then the objective
 * block (four columns of items), then one box per subjective item, flowing onto further pages.
 */
export function buildSheetLayout(input: LayoutInput): SheetLayout {
  if (input.examNoDigits < 4 || input.examNoDigits > 12) throw new Error('考号位数应在 4–12 之间');
  const pages: PageLayout[] = [];
  const newPage = (): PageLayout => {
    const pageNo = pages.length + 1;
    const p: PageLayout = { pageNo, fiducials: fiducials(), pageCode: pageCodeCells(encodePageCode(input.paperId, pageNo)), examNo: null, objective: [], subjective: [] };
    pages.push(p);
    return p;
  };
  let page = newPage();

  // Exam-number grid: one column per digit, values 0–9 downwards. Header text sits above y = 80.
  const colPitch = 17;
  const rowPitch = 15;
  const gridX = MARGIN_X + 10;
  const gridY = 112;
  page.examNo = Array.from({ length: input.examNoDigits }, (_, d) =>
    Array.from({ length: 10 }, (_, v) => ({ cx: gridX + d * colPitch, cy: gridY + v * rowPitch, r: BUBBLE_R })),
  );
  let y = gridY + 10 * rowPitch + 22; // below the grid

  // Objective items: four (or three) columns, rows of 18pt, options 19pt apart.
  const objective = input.items.filter((i) => isObjective(i.type));
  if (objective.length) {
    for (const item of objective) {
      if (item.type !== 'true_false' && (item.optionCount < 2 || item.optionCount > 8)) throw new Error(`第${item.label}题选项个数应在 2–8 之间`);
    }
    y += 14; // block title
    // Four columns fit up to five options (A–E); items with more options get three wider columns.
    const cols = Math.max(...objective.map((i) => optionLetters(i).length)) > 5 ? 3 : 4;
    const colWidth = (A4.width - 2 * MARGIN_X) / cols;
    const rows = Math.ceil(objective.length / cols);
    const rowH = 18;
    if (y + rows * rowH > BOTTOM_LIMIT) throw new Error(`客观题过多（${objective.length}题），一页放不下`);
    objective.forEach((item, k) => {
      const col = Math.floor(k / rows);
      const row = k % rows;
      const x = MARGIN_X + col * colWidth + 30;
      const cy = y + row * rowH + rowH / 2;
      const options = optionLetters(item);
      page.objective.push({ itemId: item.id, label: item.label, options, bubbles: options.map((_, o) => ({ cx: x + o * 19, cy, r: BUBBLE_R })) });
    });
    y += rows * rowH + 16;
  }

  // Subjective (and fill-in) boxes, full width, height per item; a box that does not fit goes to the next page.
  for (const item of input.items.filter((i) => !isObjective(i.type))) {
    const h = Math.max(15, item.boxHeightMm) * MM;
    if (h > BOTTOM_LIMIT - 70) throw new Error(`第${item.label}题答题框过高，一页放不下`);
    if (y + h > BOTTOM_LIMIT) {
      page = newPage();
      y = 70;
    }
    page.subjective.push({ itemId: item.id, label: item.label, maxScore: item.maxScore, box: { x: MARGIN_X, y, w: A4.width - 2 * MARGIN_X, h } });
    y += h + 10;
  }

  return { version: 1, examId: input.examId, paperId: input.paperId, title: input.title, subject: input.subject, page: { ...A4 }, examNoDigits: input.examNoDigits, pages };
}
