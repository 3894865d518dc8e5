// What each exception code means to the scanner and which fixes fit it. Pure.
import type { PageLayout } from '../../sheets/domain/layout.js';
import type { GrayImage } from './gray-image.js';
import { readChoices } from './omr.js';
import type { PageReading } from './read-page.js';

export type FixAction = 'assign' | 'rotate' | 'discard' | 'reingest';

interface ReasonInfo {
  /** Short Chinese heading of the group in the exceptions list. */
  label: string;
  /** Fixes offered first for this reason (every fix stays possible). */
  suggested: FixAction[];
}

const REASONS: Record<string, ReasonInfo> = {
  STUDENT_UNKNOWN: { label: '考号不在名单中', suggested: ['assign', 'reingest'] },
  STUDENT_OTHER_SCHOOL: { label: '非本校考生', suggested: ['assign'] },
  STUDENT_MARKED_ABSENT: { label: '考生已标记缺考', suggested: ['reingest'] },
  EXAMNO_BLANK: { label: '考号未填涂', suggested: ['assign'] },
  EXAMNO_MULTIPLE: { label: '考号填涂有误', suggested: ['assign'] },
  EXAMNO_AMBIGUOUS: { label: '考号填涂不清', suggested: ['assign'] },
  EXAMNO_MISMATCH: { label: '填涂考号与二维码考生不一致', suggested: ['assign'] },
  STICKER_EXAMNO_MISMATCH: { label: '条形码与填涂考号不一致', suggested: ['assign'] },
  STICKER_QR_MISMATCH: { label: '条形码与二维码考生不一致', suggested: ['assign'] },
  DUPLICATE_SHEET: { label: '重复答题卡', suggested: ['discard', 'assign'] },
  PAGE_ORDER: { label: '页序有误，无法确定考生', suggested: ['assign', 'reingest'] },
  PREVIOUS_PAGE_EXCEPTION: { label: '前一页异常，无法确定考生', suggested: ['reingest', 'assign'] },
  IMAGE_ORIENTATION: { label: '图片方向不对', suggested: ['rotate'] },
  FIDUCIALS_NOT_FOUND: { label: '找不到定位点', suggested: ['rotate', 'discard'] },
  ALIGNMENT_POOR: { label: '图片变形或不完整', suggested: ['discard'] },
  PAGE_CODE_UNREADABLE: { label: '页码无法识别', suggested: ['rotate', 'discard'] },
  PAPER_NOT_IN_EXAM: { label: '非本次考试答题卡', suggested: ['discard'] },
  PAPER_SUPERSEDED: { label: '旧版试卷答题卡', suggested: ['discard'] },
  LOW_RESOLUTION: { label: '分辨率过低', suggested: ['discard'] },
  DECODE_FAILED: { label: '图片已损坏', suggested: ['discard'] },
  IMAGE_TOO_LARGE: { label: '图像尺寸过大', suggested: ['discard'] },
  READ_FAILED: { label: '图片无法识别', suggested: ['rotate', 'discard'] },
  NO_LAYOUT: { label: '尚未生成答题卡', suggested: ['reingest'] },
};

export function reasonInfo(code: string | null): ReasonInfo & { code: string } {
  const c = code ?? 'UNKNOWN';
  return { code: c, ...(REASONS[c] ?? { label: '其他异常', suggested: ['reingest', 'discard'] }) };
}

/**
 * A page whose only fault is its exam number, read again for a student a person has named: the alignment and page
 * code were certain, so the bubbles are read as usual. Other failures stay failures (null).
 */
export function readingForKnownStudent(
  img: GrayImage,
  failed: PageReading,
  layoutOf: (paperId: number, pageNo: number) => PageLayout | null,
): PageReading | null {
  if (
    failed.ok ||
    !failed.code.startsWith('EXAMNO_') ||
    !failed.alignment ||
    failed.paperId === undefined ||
    failed.pageNo === undefined
  )
    return null;
  const page = layoutOf(failed.paperId, failed.pageNo);
  if (!page) return null;
  return {
    ok: true,
    alignment: failed.alignment,
    paperId: failed.paperId,
    pageNo: failed.pageNo,
    page,
    examNo: null,
    studentId: failed.studentId ?? null,
    pageCodeSource: failed.pageCodeSource ?? 'bubbles',
    sticker: failed.sticker ?? null,
    choices: readChoices(img, failed.alignment.transform, page.objective, failed.alignment.homography),
  };
}
