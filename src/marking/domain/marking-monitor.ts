// The admin's watch over marking: per item the pace and the time left, per subject the sum of its items. Pure.
import { estimateMinutesLeft } from './marker-stats.js';

/** The pace behind the estimate: live marks of the last this many minutes (a rate per hour for the page). */
export const MONITOR_WINDOW_MINUTES = 60;

export interface ItemPace {
  itemId: number;
  subject: string;
  answers: number;
  final: number;
  awaitingLead: number;
  /** Live rounds still to mark: pending (or lapsed) and leased. */
  open: number;
  /** Live marks in the last MONITOR_WINDOW_MINUTES. */
  recentMarks: number;
}

export interface PaceView {
  ratePerHour: number;
  /** null: rounds are open and nobody marked lately, so no estimate. */
  minutesLeft: number | null;
}

export function itemPace(p: ItemPace): PaceView {
  return {
    ratePerHour: Math.round((p.recentMarks * 60) / MONITOR_WINDOW_MINUTES),
    minutesLeft: estimateMinutesLeft(p.open, p.recentMarks, MONITOR_WINDOW_MINUTES),
  };
}

export interface SubjectPace extends PaceView {
  subject: string;
  answers: number;
  final: number;
  awaitingLead: number;
  open: number;
}

/**
 * Per subject: the items' sums, and the time left as the slowest item's (items are marked side by side by their own
 * markers, so the subject is done when its last item is). Unknown when any item with open rounds has no pace.
 */
export function subjectPaces(items: ItemPace[]): SubjectPace[] {
  const out: SubjectPace[] = [];
  for (const subject of [...new Set(items.map((i) => i.subject))]) {
    const its = items.filter((i) => i.subject === subject);
    const paces = its.map(itemPace);
    const sum = (f: (i: ItemPace) => number) => its.reduce((s, i) => s + f(i), 0);
    out.push({
      subject,
      answers: sum((i) => i.answers),
      final: sum((i) => i.final),
      awaitingLead: sum((i) => i.awaitingLead),
      open: sum((i) => i.open),
      ratePerHour: paces.reduce((s, p) => s + p.ratePerHour, 0),
      minutesLeft: paces.some((p) => p.minutesLeft === null)
        ? null
        : paces.reduce((m, p) => Math.max(m, p.minutesLeft ?? 0), 0),
    });
  }
  return out;
}
