export interface GenerateSheetBody {
  /** Digits of the exam number printed as bubble columns (4–12, default 8). */
  examNoDigits?: number;
}
