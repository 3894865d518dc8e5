// The three statements of DESIGN §5 that say a school's value-added in words, by whether its 95% interval excludes 0
// (as England's Progress 8 does). One source, so the report's every page says the same thing the same way.

export type VaVerdict = 'above' | 'indistinguishable' | 'below';

export const VA_STATEMENTS: Record<VaVerdict, string> = {
  above: '明显高于联盟平均',
  indistinguishable: '与联盟平均无可分辨差别',
  below: '明显低于联盟平均',
};

/** 'above' when the whole 95% interval is above 0, 'below' when below, otherwise 'indistinguishable'. */
export function vaVerdict(ciLow: number | null, ciHigh: number | null): VaVerdict | null {
  if (ciLow === null || ciHigh === null || !Number.isFinite(ciLow) || !Number.isFinite(ciHigh)) return null;
  if (ciLow > 0) return 'above';
  if (ciHigh < 0) return 'below';
  return 'indistinguishable';
}

/** The Chinese statement of a verdict (明显高于联盟平均 / 与联盟平均无可分辨差别 / 明显低于联盟平均). */
export function vaStatement(verdict: VaVerdict): string {
  return VA_STATEMENTS[verdict];
}

/**
 * The verdict of a stored school row: its own field (analyses from version 2 on), or from its interval (version 1
 * analyses, stored before the field existed). Null when the school has no value-added (suppressed, no prior).
 */
export function verdictOf(row: {
  verdict?: VaVerdict | null;
  ciLow: number | null;
  ciHigh: number | null;
}): VaVerdict | null {
  return row.verdict !== undefined ? row.verdict : vaVerdict(row.ciLow, row.ciHigh);
}
