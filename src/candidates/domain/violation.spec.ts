import { checkViolation } from './violation.js';

describe('违纪 record', () => {
  it.each([
    ['夹带', '', { ok: true, kind: '夹带', note: '' }],
    ['使用电子设备', '  手机在桌内  ', { ok: true, kind: '使用电子设备', note: '手机在桌内' }],
    ['其他', '', { ok: false, error: '违纪类型为“其他”时请写明情况' }],
    ['迟到', '', { ok: false, error: '违纪类型应为：夹带、抄袭、交头接耳、使用电子设备、提前交卷、替考、其他' }],
    ['抄袭', 'x'.repeat(301), { ok: false, error: '情况说明不能超过 300 字' }],
    ['抄袭', 12, { ok: false, error: '情况说明应为文字' }],
  ])('%s / %j', (kind, note, expected) => {
    expect(checkViolation(kind, note)).toEqual(expected);
  });
});
