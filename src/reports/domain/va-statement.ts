// The three statements of DESIGN §5 for a school's value-added, by whether its 95% interval excludes 0. One small
// function so that the value-added rewrite (issue 15, a per-school `verdict`) can replace it in one place.

export type VaVerdict = 'above' | 'indistinguishable' | 'below';

export const VA_STATEMENTS: Record<VaVerdict, string> = {
  above: '明显高于联盟平均',
  indistinguishable: '与联盟平均无可分辨差别',
  below: '明显低于联盟平均',
};

/** null when there is no interval (suppressed, or no prior exam). */
export function vaVerdict(ciLow: number | null | undefined, ciHigh: number | null | undefined): VaVerdict | null {
  if (ciLow === null || ciLow === undefined || ciHigh === null || ciHigh === undefined) return null;
  if (ciLow > 0) return 'above';
  if (ciHigh < 0) return 'below';
  return 'indistinguishable';
}
