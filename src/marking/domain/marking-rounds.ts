/** How an item is marked (DESIGN.md §4): one marker, two blind markers, or two with a third and arbitration. */
export type MarkingModeName = 'single' | 'double' | 'double_arbitration';

/** Rounds of marking an item's snippet needs from the start: double marking is two blind rounds; a third is added only on disagreement. */
export function markingRounds(mode: MarkingModeName): number[] {
  return mode === 'single' ? [1] : [1, 2];
}
