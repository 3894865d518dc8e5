// Whose page this is, from the clues a page carries: the barcode sticker's exam number, the bubbled exam number, the
// student in a personalised sheet's QR code. Which clue is looked up, and when the clues that could be read disagree.
// Pure: the service looks the student up and asks here.
import type { Verdict } from './page-verdict.js';

/** What the sticker area of a page showed; null on a page without the area. */
export type StickerReading =
  | { state: 'read'; examNo: string }
  /** Nothing stuck in the area. */
  | { state: 'empty' }
  /** Something is there (a spoilt, covered or foreign label, a scribble), but no exam number was decoded from it. */
  | { state: 'unreadable'; text?: string };

export interface IdentityClues {
  sticker: StickerReading | null;
  /**
   * The exam number read from the bubbles; null when left blank or the page has no exam-number grid. Beside a readable
   * sticker it may be partial, '?' for a column without one clear mark: the digits it shows must agree.
   */
  bubbles: string | null;
  /** The student a personalised sheet's QR code names. */
  qrStudentId: number | null;
}

export type IdentitySource = 'sticker' | 'qr' | 'bubbles' | 'previous';

/** The clues as a page reading carries them. */
export interface ReadClues {
  sticker: StickerReading | null;
  examNo: { examNo: string | null; partial?: string } | null;
  studentId: number | null;
}

/**
 * The identity clues of a reading. Beside a readable sticker, bubbles that do not read whole still say something with
 * the digits they show (their partial reading); elsewhere only a whole number counts.
 */
export function identityCluesOf(r: ReadClues): IdentityClues {
  const partial = r.examNo?.partial;
  const shown = r.sticker?.state === 'read' && partial && /[0-9]/.test(partial) ? partial : null;
  return { sticker: r.sticker, bubbles: r.examNo?.examNo ?? shown, qrStudentId: r.studentId };
}

/** A readable sticker beats the QR code's student, which beats the bubbles; with none, the page before decides. */
export function identitySource(c: IdentityClues): IdentitySource {
  if (c.sticker?.state === 'read') return 'sticker';
  if (c.qrStudentId !== null) return 'qr';
  if (c.bubbles !== null && !c.bubbles.includes('?')) return 'bubbles';
  return 'previous';
}

/** The exam number a sticker gives, if it gives one. */
export function stickerExamNo(c: IdentityClues): string | null {
  return c.sticker?.state === 'read' ? c.sticker.examNo : null;
}

export interface FoundStudent {
  id: number;
  examNo: string;
  name: string;
}

/**
 * Once the page's student is found by `source`, the clues that were readable and disagree with it, as the exception a
 * person settles; null when they agree. Never a silent choice: a sticker that wins over the bubbles or the QR code
 * wins only when they say the same.
 */
export function identityConflict(c: IdentityClues, source: IdentitySource, student: FoundStudent): Verdict | null {
  if (source === 'sticker') {
    const sticker = stickerExamNo(c)!;
    const parts: string[] = [];
    const qrDiffers = c.qrStudentId !== null && c.qrStudentId !== student.id;
    if (c.bubbles !== null && !digitsAgree(c.bubbles, sticker))
      parts.push(`填涂的考号 ${c.bubbles.replaceAll('?', '□')}`);
    if (qrDiffers) parts.push('答题卡二维码中印制的考生');
    if (!parts.length) return null;
    return {
      code: qrDiffers ? 'STICKER_QR_MISMATCH' : 'STICKER_EXAMNO_MISMATCH',
      reason: `条形码考号 ${sticker}（${student.name}）与${parts.join('、')}不一致，请核对答题卡后指定考生`,
    };
  }
  if (source === 'qr' && c.bubbles !== null && c.bubbles !== student.examNo) {
    return {
      code: 'EXAMNO_MISMATCH',
      reason: `填涂的考号 ${c.bubbles} 与答题卡上印制的考生（${student.name}，考号 ${student.examNo}）不一致，请核对`,
    };
  }
  return null;
}

/** Bubbled digits agree with a number when each column that reads shows its digit ('?' columns say nothing). */
export function digitsAgree(bubbles: string, examNo: string): boolean {
  return bubbles.length === examNo.length && [...bubbles].every((d, i) => d === '?' || d === examNo[i]);
}

/** What the page's row keeps of how it was identified, so a fallback from a spoilt sticker is silent but recorded. */
export interface IdentityNote {
  identifiedBy: IdentitySource;
  /** The sticker area's state; absent on a page without the area. */
  sticker?: StickerReading['state'];
  /** Text decoded from a sticker that is not an exam number (a foreign label), for whoever looks into it. */
  stickerText?: string;
}

export function identityNote(c: IdentityClues): IdentityNote {
  const note: IdentityNote = { identifiedBy: identitySource(c) };
  if (c.sticker) note.sticker = c.sticker.state;
  if (c.sticker?.state === 'unreadable' && c.sticker.text) note.stickerText = c.sticker.text.slice(0, 40);
  return note;
}

/** Exam numbers are digits (what the bubbles can say too); a sticker's text of another shape is not one of ours. */
export function stickerFromText(text: string | null, inked: boolean): StickerReading {
  if (text !== null && /^[0-9]{4,20}$/.test(text)) return { state: 'read', examNo: text };
  if (text !== null) return { state: 'unreadable', text };
  return inked ? { state: 'unreadable' } : { state: 'empty' };
}
