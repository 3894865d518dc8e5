export interface GenerateSheetBody {
  /** Digits of the exam number printed as bubble columns (4–12, default 8). */
  examNoDigits?: number;
  /** A4 portrait (default) or A3 landscape with two columns per side. */
  paperSize?: 'A4' | 'A3';
  /** Print a barcode sticker area (条形码粘贴区) on page 1; the reader then identifies the sheet by its sticker first. */
  barcodeArea?: boolean;
}

/** Personalised sheets: every student of the school, or of one class of it. */
export interface PersonalisedSheetQuery {
  schoolId: number;
  classId: number | null;
}
