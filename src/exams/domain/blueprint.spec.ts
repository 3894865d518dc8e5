import {
  blueprintHeader,
  blueprintMatrix,
  blueprintRow,
  cellText,
  parseBlueprint,
  type BlueprintItem,
  type Cell,
} from './blueprint.js';

const H = ['题号', '题型', '分值', '答案', '知识点', '认知层次', '评分方式', '误差阈值'];

describe('parseBlueprint', () => {
  it('reads Chinese words for types, modes and levels; skips empty rows; derives sub-item headings', () => {
    // prettier-ignore
    const rows: Cell[][] = [
      [],
      H,
      ['1', '单选题', 3, 'b', '数与代数/有理数', '了解', '', ''],
      [2, '多选', '4', 'A、C', '有理数；整式', '理解', null, null],
      [null, null, null],
      ['3', '判断', 2, '错', '', '', '', ''],
      ['17(1)', '解答题', 6, '', '一元一次方程', '运用', '双评', 1],
      ['17(2)', '主观', 8, '', '', '掌握', '双评+仲裁', '2'],
    ];
    const r = parseBlueprint(rows);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.fullMarks).toBe(23);
    expect(
      r.items.map((i) => [i.label, i.type, i.answerKey, i.parentLabel, i.cognitiveLevel, i.markingMode, i.tolerance]),
    ).toEqual([
      ['1', 'single_choice', 'B', null, '了解', 'single', 0],
      ['2', 'multiple_choice', 'AC', null, '理解', 'single', 0],
      ['3', 'true_false', 'F', null, null, 'single', 0],
      ['17(1)', 'subjective', null, '17', '运用', 'double', 1],
      ['17(2)', 'subjective', null, '17', '掌握', 'double_arbitration', 2],
    ]);
    expect(r.items[0].knowledgePoints).toEqual(['数与代数/有理数']);
    expect(r.items[1].knowledgePoints).toEqual(['有理数', '整式']);
  });

  it('reports every problem of the file in one go, words and item rules, by spreadsheet row, and returns nothing', () => {
    // prettier-ignore
    const rows: Cell[][] = [
      H,
      ['1', '单选', 3, 'B', '', '了解', '', ''],
      ['2', '问答', 3, '', '', '', '', ''],
      ['3', '单选', 3, 'E', '', '', '', ''],
      ['4', '主观', 10, '', '', '精通', '', ''],
      ['5', '主观', 10, '', '', '', '三评', ''],
      ['1', '填空', 4, '', '', '', '', ''],
      ['6', '主观', 10, '', '', '', '双评', ''],
    ];
    const r = parseBlueprint(rows);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors).toEqual([
      '第3行：题型“问答”无法识别（可填：单选、多选、判断、填空、主观）',
      '第4行：答案 E 超出选项范围 A–D',
      '第5行：认知层次“精通”无法识别（可填：了解、理解、掌握、运用）',
      '第6行：评分方式“三评”无法识别（可填：单评、双评、双评+仲裁）',
      '第7行：题号重复（与第1个题目相同）',
      '第8行：双评需要设置误差阈值（tolerance ≥ 0）',
    ]);
  });

  it('checks item rules once the words are understood, naming the row', () => {
    const r = parseBlueprint([
      H,
      ['1', '单选', 3, 'E'],
      ['1', '填空', 4],
      ['6', '主观', 10, '', '', '', '双评', ''],
      ['7', '多选', 5, 'ABC'],
    ]);
    expect(!r.ok && r.errors).toEqual([
      '第2行：答案 E 超出选项范围 A–D',
      '第3行：题号重复（与第1个题目相同）',
      '第4行：双评需要设置误差阈值（tolerance ≥ 0）',
    ]);
  });

  it('needs the key columns in the header and at least one item', () => {
    expect(parseBlueprint([['题号', '分值']])).toEqual({ ok: false, errors: ['第1行：表头缺少“题型”列'] });
    expect(parseBlueprint([H, []])).toEqual({ ok: false, errors: ['表格中没有题目：表头下面每行写一道题'] });
    expect(parseBlueprint([])).toEqual({ ok: false, errors: ['表格是空的：第一行应为表头（题号、题型、分值 …）'] });
  });

  it('reads partial credit as a fraction, percentage or ratio; only on multiple choice', () => {
    const h = ['题号', '题型', '分值', '答案', '部分得分比例'];
    const r = parseBlueprint([
      h,
      ['1', '多选', 6, 'ACD', '50%'],
      ['2', '多选', 6, 'AB', '1/4'],
      ['3', '多选', 5, 'AB', 0.4],
      ['4', '多选', 5, 'AB', ''],
    ]);
    expect(r.ok && r.items.map((i) => i.partialCredit)).toEqual([0.5, 0.25, 0.4, null]);
    const bad = parseBlueprint([
      h,
      ['1', '单选', 6, 'A', '0.5'],
      ['2', '多选', 5, 'AB', '1/3'],
      ['3', '多选', 5, 'AB', '1.5'],
    ]);
    expect(!bad.ok && bad.errors).toEqual([
      '第2行：只有多选题可以设置部分得分',
      '第3行：多选题部分得分比例应为 0 到 1 之间（不含 1）的小数，最多三位小数，如 0.5',
      '第4行：多选题部分得分比例应为 0 到 1 之间（不含 1）的小数，最多三位小数，如 0.5',
    ]);
  });

  it('round-trips: export rows parse back to the same items', () => {
    // prettier-ignore
    const items: BlueprintItem[] = [
      { label: '1', parentLabel: null, type: 'single_choice', maxScore: 3, optionCount: 4, answerKey: 'B', partialCredit: null, knowledgePoints: ['数与代数/有理数'], cognitiveLevel: '了解', markingMode: 'single', tolerance: 0, scoreStep: 1, roundingMode: 'half_up', boxHeightMm: 40 },
      { label: '2', parentLabel: null, type: 'multiple_choice', maxScore: 6, optionCount: 5, answerKey: 'ACE', partialCredit: 0.5, knowledgePoints: ['整式', '方程'], cognitiveLevel: '理解', markingMode: 'single', tolerance: 0, scoreStep: 1, roundingMode: 'half_up', boxHeightMm: 40 },
      { label: '3', parentLabel: null, type: 'true_false', maxScore: 2, optionCount: 2, answerKey: 'T', partialCredit: null, knowledgePoints: null, cognitiveLevel: null, markingMode: 'single', tolerance: 0, scoreStep: 1, roundingMode: 'half_up', boxHeightMm: 40 },
      { label: '17(1)', parentLabel: '17', type: 'subjective', maxScore: 7.5, optionCount: 4, answerKey: null, partialCredit: null, knowledgePoints: ['函数'], cognitiveLevel: '运用', markingMode: 'double_arbitration', tolerance: 1.5, scoreStep: 0.5, roundingMode: 'down', boxHeightMm: 70 },
    ];
    const r = parseBlueprint([blueprintHeader(), ...items.map(blueprintRow)]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.items.map(({ seq: _s, ...rest }) => rest)).toEqual(items);
  });

  it('builds the two-way table of scores per knowledge point and level', () => {
    const base = {
      parentLabel: null,
      optionCount: 4,
      answerKey: null,
      partialCredit: null,
      markingMode: 'single' as const,
      tolerance: 0,
      scoreStep: 0.5,
      roundingMode: 'half_up' as const,
      boxHeightMm: 40,
      type: 'subjective' as const,
    };
    const m = blueprintMatrix([
      { ...base, label: '1', maxScore: 3, knowledgePoints: ['有理数'], cognitiveLevel: '了解' },
      { ...base, label: '2', maxScore: 4.5, knowledgePoints: ['有理数'], cognitiveLevel: '运用' },
      { ...base, label: '3', maxScore: 2, knowledgePoints: null, cognitiveLevel: null },
      { ...base, label: '4', maxScore: 1.5, knowledgePoints: ['有理数', '整式'], cognitiveLevel: '理解' },
    ]);
    expect(m.levels).toEqual(['了解', '理解', '掌握', '运用', '未标注']);
    expect(m.rows).toEqual([
      { knowledgePoint: '有理数', scores: [3, 1.5, 0, 4.5, 0], total: 9 },
      { knowledgePoint: '未标注', scores: [0, 0, 0, 0, 2], total: 2 },
      { knowledgePoint: '整式', scores: [0, 1.5, 0, 0, 0], total: 1.5 },
    ]);
    expect(m.levelTotals).toEqual([3, 1.5, 0, 4.5, 2]);
    expect(m.total).toBe(11);
  });

  it('takes the text of rich-text, formula and hyperlink cells', () => {
    expect(cellText({ richText: [{ text: '单' }, { text: '选' }] })).toBe('单选');
    expect(cellText({ formula: 'A1', result: 3 })).toBe('3');
    expect(cellText({ text: '有理数', hyperlink: 'x' })).toBe('有理数');
    expect(cellText(null)).toBe('');
  });
});
