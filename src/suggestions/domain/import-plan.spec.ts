import type { Cell } from '../../exams/domain/blueprint.js';
import { exportHeader, exportRow, planImport, type CurrentSuggestion } from './import-plan.js';

const HEADER = ['编号', '学科', '发现类型', '知识点', '认知层次', '建议内容', '状态'];

const s = (x: Partial<CurrentSuggestion> & { id: number; text: string }): CurrentSuggestion => ({
  version: 1,
  retired: false,
  subject: '数学',
  kind: null,
  knowledgePoint: null,
  cognitiveLevel: null,
  ...x,
});
const LIB: CurrentSuggestion[] = [
  s({ id: 1, version: 2, knowledgePoint: '一元一次方程', text: '先列表整理数量关系，再列方程。' }),
  s({ id: 2, subject: '语文', kind: 'weak_kp', text: '语文的建议' }),
  s({ id: 3, version: 3, retired: true, kind: 'near_pass', text: '旧的临界生建议' }),
  s({ id: 4, subject: null, kind: 'near_pass', text: '通用的临界生建议' }),
  s({ id: 5, kind: 'weak_level', cognitiveLevel: '运用', text: '运用层次' }),
];
const mathLead = (subject: string | null) => subject === '数学';
const admin = () => true;

describe('planImport', () => {
  it('plans adds, updates, retirements and restorations; an exported row read back changes nothing', () => {
    const rows: Cell[][] = [
      exportHeader(),
      exportRow(LIB[0]), // unchanged
      [null, '数学', '知识点薄弱', '整式的加减', '', '对照合并同类项的步骤逐项检查。', ''], // added (kind by its Chinese name)
      [5, '数学', 'weak_level', '', '运用', '每周一道情境应用题，讲评时说清建模过程。', '在用'], // updated (kind by code)
      [3, '数学', '及格临界生', '', '', '每周一次针对性小测。', ''], // restored
      [],
      [null, '数学', '', '', '运用', '运用层次', ''], // the same as suggestion 5 before the update? no: different kind → added
      [null, '数学', '认知层次薄弱', '', '运用', '运用层次', ''], // identical to suggestion 5 as it stands: unchanged
    ];
    const r = planImport(rows, LIB, mathLead);
    expect(r.errors).toEqual([]);
    const p = r.plan!;
    expect(p.added.map((a) => [a.row, a.fields.knowledgePoint ?? a.fields.cognitiveLevel, a.fields.kind])).toEqual([
      [3, '整式的加减', 'weak_kp'],
      [7, '运用', null],
    ]);
    expect(p.updated.map((u) => [u.row, u.id, u.baseVersion, u.restored, u.before.text, u.fields.text])).toEqual([
      [4, 5, 1, false, '运用层次', '每周一道情境应用题，讲评时说清建模过程。'],
      [5, 3, 3, true, '旧的临界生建议', '每周一次针对性小测。'],
    ]);
    expect(p.retired).toEqual([]);
    expect(p.unchanged).toBe(2);
  });

  it('retires by 状态 停用, once; retiring a retired one changes nothing', () => {
    const r = planImport([HEADER, [1, '', '', '', '', '', '停用'], [3, '数学', '', '', '', '', '停用']], LIB, mathLead);
    expect(r.errors).toEqual([]);
    expect(r.plan!.retired.map((x) => [x.row, x.id, x.baseVersion, x.fields.text])).toEqual([
      [2, 1, 2, '先列表整理数量关系，再列方程。'],
    ]);
    expect(r.plan!.unchanged).toBe(1);
  });

  it.each<[string, Cell[], (subject: string | null) => boolean, string]>([
    ['an unknown kind', [null, '数学', '知识点很差', '', '', '文本', ''], mathLead, '发现类型“知识点很差”无法识别'],
    ['no text', [null, '数学', 'weak_kp', '', '', '  ', ''], mathLead, '建议内容不能为空'],
    ['a text too long', [null, '数学', 'weak_kp', '', '', '长'.repeat(1001), ''], mathLead, '建议内容最多 1000 个字'],
    [
      'a bad knowledge-point path',
      [null, '数学', '', '数与代数//方程', '', '文本', ''],
      mathLead,
      '知识点“数与代数//方程”格式有误',
    ],
    ['a KP without a subject', [null, '', '', '方程', '', '文本', ''], admin, '针对知识点或认知层次的建议必须填写学科'],
    ['a generic row without a kind', [null, '', '', '', '', '文本', ''], admin, '通用建议（不填学科）必须填写发现类型'],
    [
      'a subject row with no key at all',
      [null, '数学', '', '', '', '文本', ''],
      mathLead,
      '请至少填写发现类型、知识点或认知层次之一',
    ],
    ['another subject', [null, '语文', 'weak_kp', '', '', '文本', ''], mathLead, '您不是“语文”学科组长'],
    ['another subject by its id', [2, '语文', 'weak_kp', '', '', '改', ''], mathLead, '您不是“语文”学科组长'],
    ['a generic row by a lead', [4, '', 'near_pass', '', '', '改', ''], mathLead, '只有联盟管理员可以修改通用建议'],
    ['an unknown id', [99, '数学', 'weak_kp', '', '', '文本', ''], admin, '编号“99”不是本联盟建议库中的建议'],
    [
      'an id that is no number',
      ['A1', '数学', 'weak_kp', '', '', '文本', ''],
      admin,
      '编号“A1”不是本联盟建议库中的建议',
    ],
    [
      'moving a suggestion to another subject',
      [1, '物理', '', '一元一次方程', '', '文本', ''],
      admin,
      '编号 1 的学科是“数学”，不能改为“物理”',
    ],
    ['an unknown status', [1, '数学', '', '一元一次方程', '', '文本', '作废'], admin, '状态“作废”无法识别'],
    [
      'a new row marked retired',
      [null, '数学', 'weak_kp', '', '', '文本', '停用'],
      admin,
      '新增的建议（编号为空）不能标为停用',
    ],
  ])('refuses %s, naming the row', (_name, row, canWrite, reason) => {
    const r = planImport([HEADER, [null, '数学', 'near_excellent', '', '', '前一行', ''], row], LIB, canWrite);
    expect(r.plan).toBeNull();
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(new RegExp(`^第3行：${reason.replace(/[()（）]/g, '.')}`));
  });

  it('lists every bad row, and duplicates within the file', () => {
    const r = planImport(
      [
        HEADER,
        [null, '数学', 'weak_kp', '', '', '同一条', ''],
        [1, '数学', '', '一元一次方程', '', 'a', ''],
        [null, '数学', 'weak_kp', '', '', '同一条', ''],
        [1, '数学', '', '一元一次方程', '', 'b', ''],
        [null, '数学', 'bad', '', '', '', ''],
      ],
      LIB,
      mathLead,
    );
    expect(r.errors).toEqual([
      '第4行：与第2行重复',
      '第5行：编号 1 与第3行重复',
      expect.stringMatching(/^第6行：发现类型“bad”无法识别/),
      '第6行：建议内容不能为空',
    ]);
  });

  it('refuses a sheet without the text column, and an empty one', () => {
    expect(planImport([['学科', '知识点']], LIB, admin).errors).toEqual([
      '第1行：缺少“建议内容”列，请使用导出的建议库或模板的表头',
    ]);
    expect(planImport([HEADER, [], ['', null]], LIB, admin).errors).toEqual(['文件中没有建议（从第2行起每行一条）']);
  });

  it('reads columns by their header, in any order, with the extra export columns ignored', () => {
    const r = planImport(
      [
        ['建议', '知识点', '学科', '版本'],
        ['多做变式题。', '有理数的运算', '数学', 7],
      ],
      [],
      mathLead,
    );
    expect(r.plan!.added[0].fields).toEqual({
      subject: '数学',
      kind: null,
      knowledgePoint: '有理数的运算',
      cognitiveLevel: null,
      text: '多做变式题。',
    });
  });
});
