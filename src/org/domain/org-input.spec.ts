import { validateAllianceFields, validateSchoolFields } from './org-input.js';

describe('validateAllianceFields', () => {
  it.each([
    [
      { name: ' 城关教联体 ', code: 'cg-01' },
      { name: '城关教联体', code: 'cg-01' },
    ],
    [{ name: '', code: 'cg' }, ['联盟名称不能为空，最多 100 个字']],
    [{ name: '甲'.repeat(101), code: 'cg' }, ['联盟名称不能为空，最多 100 个字']],
    [{ name: '城关', code: '城关' }, ['联盟代码应为 1–40 个字母、数字、_ 或 -']],
    [{ name: '城关', code: 'a'.repeat(41) }, ['联盟代码应为 1–40 个字母、数字、_ 或 -']],
    [{}, ['联盟名称不能为空，最多 100 个字', '联盟代码应为 1–40 个字母、数字、_ 或 -']],
  ])('%j → %j', (input, expected) => {
    const r = validateAllianceFields(input);
    expect(r.ok ? r.value : r.errors).toEqual(expected);
  });
});

describe('validateSchoolFields', () => {
  const good = { name: '城关一中', code: 'S1', kind: 'lead', locality: 'urban' };
  it.each([
    [good, good],
    [
      { ...good, kind: 'member', locality: 'rural' },
      { ...good, kind: 'member', locality: 'rural' },
    ],
    [
      { ...good, kind: 'comparison' },
      { ...good, kind: 'comparison' },
    ],
    [{ ...good, kind: '龙头校' }, ['学校类型应为 lead（龙头校）、member（成员校）或 comparison（对照校）']],
    [{ ...good, locality: 'town' }, ['学校所在地应为 urban（城区）或 rural（乡村）']],
    [{ ...good, name: '  ' }, ['学校名称不能为空，最多 100 个字']],
    [{ ...good, code: 'S 1' }, ['学校代码应为 1–40 个字母、数字、_ 或 -']],
  ])('%j → %j', (input, expected) => {
    const r = validateSchoolFields(input);
    expect(r.ok ? r.value : r.errors).toEqual(expected);
  });
});
