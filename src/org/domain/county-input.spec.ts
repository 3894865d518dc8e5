import { validateBureauAccount, validateCountyFields } from './county-input.js';

describe('validateCountyFields', () => {
  it.each([
    [
      { name: ' 城关区 ', code: 'CGQ' },
      { ok: true, value: { name: '城关区', code: 'CGQ' } },
    ],
    [
      { name: '', code: 'CGQ' },
      { ok: false, errors: ['区县名称不能为空，最多 100 个字'] },
    ],
    [
      { name: '城关区', code: '城关' },
      { ok: false, errors: ['区县代码应为 1–40 个字母、数字、_ 或 -'] },
    ],
    [
      { name: 'x'.repeat(101), code: '' },
      { ok: false, errors: expect.arrayContaining([]) },
    ],
    [{}, { ok: false, errors: expect.any(Array) }],
  ])('%j → %j', (input, out) => expect(validateCountyFields(input)).toEqual(out));

  it('reports both problems at once', () => {
    const r = validateCountyFields({ name: '', code: '' });
    expect(r.ok ? [] : r.errors).toHaveLength(2);
  });
});

describe('validateBureauAccount', () => {
  it.each([
    [
      { username: 'bureau1', password: 'bureau-pass-1' },
      { ok: true, value: { username: 'bureau1', displayName: '教研员', password: 'bureau-pass-1' } },
    ],
    [
      { username: 'bureau1', displayName: '李督导', password: 'bureau-pass-1' },
      { ok: true, value: { username: 'bureau1', displayName: '李督导', password: 'bureau-pass-1' } },
    ],
    [
      { username: 'b', password: 'bureau-pass-1' },
      { ok: false, errors: ['用户名应为 3–60 个字母、数字或 _ . @ -'] },
    ],
    [
      { username: 'bureau1', password: 'short' },
      { ok: false, errors: ['密码至少 8 位'] },
    ],
    [{ username: 'bureau1' }, { ok: false, errors: ['密码至少 8 位'] }],
  ])('%j → %j', (input, out) => expect(validateBureauAccount(input)).toEqual(out));
});
