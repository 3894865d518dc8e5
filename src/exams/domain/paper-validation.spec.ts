import { validatePaper, type ItemInput } from './paper-validation.js';

const paper = (items: ItemInput[]) => ({ subject: '数学', title: '七年级期中数学', items });
const errorsOf = (r: ReturnType<typeof validatePaper>) => (r.ok ? [] : r.errors);

describe('validatePaper', () => {
  it('normalizes a good paper: seq by position, keys upper-cased and sorted, exact full marks', () => {
    const r = validatePaper(
      paper([
        { label: '1', type: 'single_choice', maxScore: 3, answerKey: 'b' },
        { label: '2', type: 'multiple_choice', maxScore: 4, answerKey: 'DA', optionCount: 5, scoreStep: 2 },
        { label: '3', type: 'true_false', maxScore: 2, answerKey: '√' },
        { label: '4', type: 'fill_in', maxScore: 4.5, scoreStep: 0.5 },
        {
          label: '17(1)',
          type: 'subjective',
          maxScore: 12.5,
          scoreStep: 0.5,
          markingMode: 'double_arbitration',
          tolerance: 2,
          knowledgePoints: ['函数', ' 函数 ', '方程'],
          boxHeightMm: 80,
        },
        { label: '17(2)', type: 'subjective', maxScore: 0.1, scoreStep: 0.05 },
      ]),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    // 3 + 4 + 2 + 4.5 + 12.5 + 0.1: a float sum would give 26.099999999999998.
    expect(r.paper.fullMarks).toBe(26.1);
    expect(r.paper.items.map((i) => [i.seq, i.label, i.answerKey])).toEqual([
      [1, '1', 'B'],
      [2, '2', 'AD'],
      [3, '3', 'T'],
      [4, '4', null],
      [5, '17(1)', null],
      [6, '17(2)', null],
    ]);
    expect(r.paper.items[1]).toMatchObject({ optionCount: 5, scoreStep: 2, markingMode: 'single', tolerance: 0 });
    expect(r.paper.items[2].optionCount).toBe(2);
    expect(r.paper.items[4]).toMatchObject({
      markingMode: 'double_arbitration',
      tolerance: 2,
      knowledgePoints: ['函数', '方程'],
      boxHeightMm: 80,
      roundingMode: 'half_up',
    });
    expect(r.paper.items[0].boxHeightMm).toBe(40);
  });

  it('names the item in every error', () => {
    const r = validatePaper(
      paper([
        { label: '1', type: 'single_choice', maxScore: 3, answerKey: 'B' },
        { label: '2', type: 'single_choice', maxScore: 3 },
        { label: '3', type: 'single_choice', maxScore: 3, answerKey: 'E' },
        { label: '4', type: 'multiple_choice', maxScore: 4, answerKey: 'AAC' },
        { label: '5', type: 'single_choice', maxScore: 3, answerKey: 'AB' },
        { label: '6', type: 'true_false', maxScore: 2, answerKey: 'Y' },
        { label: '1', type: 'subjective', maxScore: 5 },
        { label: '12', type: 'subjective', maxScore: 7.25, scoreStep: 0.5 },
        { label: '13', type: 'subjective', maxScore: 6, answerKey: 'x=2' },
        { label: '14', type: 'subjective', maxScore: 10, markingMode: 'double' },
        { label: '15', type: 'subjective', maxScore: 10, markingMode: 'double', tolerance: -1 },
        { label: '16', type: 'single_choice', maxScore: 3, answerKey: 'A', markingMode: 'double', tolerance: 1 },
        { label: '', type: 'subjective', maxScore: 5 },
        { label: '18', type: 'essay', maxScore: 5 },
        { label: '19', type: 'subjective', maxScore: 0 },
        { label: '20', type: 'single_choice', maxScore: 3, answerKey: 'H', optionCount: 9 },
        { label: '21', type: 'subjective', maxScore: 10, boxHeightMm: 400 },
      ]),
    );
    expect(errorsOf(r)).toEqual([
      '第2题：单选题必须设置答案',
      '第3题：答案 E 超出选项范围 A–D',
      '第4题：答案 AAC 中有重复的选项',
      '第5题：单选题答案只能是一个选项（A–D）',
      '第6题：判断题答案应为 T（对）或 F（错），收到“Y”',
      '第1题：题号重复（与第1个题目相同）',
      '第12题：满分应为步长 0.5 的整数倍',
      '第13题：主观题由老师评分，不应设置答案（参考答案请写在评分细则中）',
      '第14题：双评需要设置误差阈值（tolerance ≥ 0）',
      '第15题：误差阈值应为 ≥ 0 的数，最多两位小数',
      '第16题：客观题由机器判分，阅卷方式只能是 single（单评）',
      '第13个题目：题号（label）不能为空',
      '第18题：题型“essay”无效，应为 single_choice / multiple_choice / true_false / fill_in / subjective',
      '第19题：满分应为大于 0 的数（最多两位小数，不超过 1000）',
      '第20题：选项个数应为 2–7 之间的整数',
      '第20题：答案 H 超出选项范围 A–D',
      '第21题：答题框高度应为 15–240 毫米之间的整数',
    ]);
  });

  it('allows a zero tolerance for double marking and reads numeric strings', () => {
    const r = validatePaper(
      paper([{ label: '1', type: 'subjective', maxScore: '8', scoreStep: '0.5', markingMode: 'double', tolerance: 0 }]),
    );
    expect(r.ok && r.paper.items[0]).toMatchObject({ maxScore: 8, scoreStep: 0.5, tolerance: 0 });
  });

  it('refuses a tolerance above full marks, an empty paper and missing subject/title', () => {
    expect(
      errorsOf(
        validatePaper(paper([{ label: '1', type: 'subjective', maxScore: 5, markingMode: 'double', tolerance: 6 }])),
      ),
    ).toEqual(['第1题：误差阈值 6 不能大于满分 5']);
    expect(errorsOf(validatePaper({ subject: '', title: ' ', items: [] }))).toEqual([
      '学科不能为空',
      '试卷标题不能为空',
      '试卷至少需要一道题',
    ]);
  });
});

describe('validatePaper: sub-items and cognitive levels', () => {
  it('derives the heading of 17(1), 17（2）; takes an explicit one; refuses a heading that is itself scored', () => {
    const r = validatePaper(
      paper([
        { label: '17(1)', type: 'subjective', maxScore: 4 },
        { label: '17（2）', type: 'subjective', maxScore: 6 },
        { label: '18a', parentLabel: '18', type: 'fill_in', maxScore: 2 },
        { label: '19', type: 'fill_in', maxScore: 2 },
      ]),
    );
    expect(r.ok && r.paper.items.map((i) => i.parentLabel)).toEqual(['17', '17', '18', null]);
    const bad = validatePaper(
      paper([
        { label: '17', type: 'subjective', maxScore: 4 },
        { label: '17(1)', type: 'subjective', maxScore: 4 },
        { label: '20', parentLabel: '20', type: 'subjective', maxScore: 4 },
      ]),
    );
    expect(errorsOf(bad)).toEqual([
      '第17(1)题：所属大题“17”本身也是一道计分的题；分数只能设在小题上',
      '第20题：所属大题不能是本题自己',
    ]);
  });

  it('accepts the configured cognitive levels only', () => {
    const items = [
      { label: '1', type: 'subjective', maxScore: 4, cognitiveLevel: '掌握' },
      { label: '2', type: 'subjective', maxScore: 4, cognitiveLevel: '创造' },
    ];
    expect(errorsOf(validatePaper(paper(items)))).toEqual([
      '第2题：认知层次“创造”无效，应为 了解 / 理解 / 掌握 / 运用',
    ]);
    const bloom = ['记忆', '理解', '应用', '分析', '评价', '创造'];
    const r = validatePaper(paper([{ ...items[1] }]), { cognitiveLevels: bloom });
    expect(r.ok && r.paper.items[0].cognitiveLevel).toBe('创造');
  });

  it('accepts knowledge points as tree paths', () => {
    const r = validatePaper(
      paper([{ label: '1', type: 'subjective', maxScore: 4, knowledgePoints: ['数与代数 / 有理数', '有理数'] }]),
    );
    expect(r.ok && r.paper.items[0].knowledgePoints).toEqual(['数与代数/有理数', '有理数']);
    expect(
      errorsOf(
        validatePaper(paper([{ label: '1', type: 'subjective', maxScore: 4, knowledgePoints: ['数与代数//有理数'] }])),
      ),
    ).toEqual(['第1题：知识点应为非空文字的列表（每级最多 60 个字，可写成“章/节/知识点”的路径）']);
  });
});
