// 违纪 kinds an invigilator records (the usual categories of a 考场记录单), and the check of a record.

export const VIOLATION_KINDS = ['夹带', '抄袭', '交头接耳', '使用电子设备', '提前交卷', '替考', '其他'] as const;
export type ViolationKind = (typeof VIOLATION_KINDS)[number];

export const NOTE_MAX = 300;

export type ViolationCheck = { ok: true; kind: ViolationKind; note: string } | { ok: false; error: string };

export function checkViolation(kind: unknown, note: unknown): ViolationCheck {
  if (typeof kind !== 'string' || !(VIOLATION_KINDS as readonly string[]).includes(kind))
    return { ok: false, error: `违纪类型应为：${VIOLATION_KINDS.join('、')}` };
  const text = typeof note === 'string' ? note.trim() : '';
  if (note !== undefined && note !== null && typeof note !== 'string') return { ok: false, error: '情况说明应为文字' };
  if (text.length > NOTE_MAX) return { ok: false, error: `情况说明不能超过 ${NOTE_MAX} 字` };
  if (kind === '其他' && !text) return { ok: false, error: '违纪类型为“其他”时请写明情况' };
  return { ok: true, kind: kind as ViolationKind, note: text };
}
