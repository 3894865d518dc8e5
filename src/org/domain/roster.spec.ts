import { normalizeClassName, SheetRow, validateRoster, type RosterContext } from './roster.js';

const rows = (...lines: string[][]): SheetRow[] => lines.map((cells, i) => ({ rowNo: i + 1, cells }));
const ctx = (over: Partial<RosterContext> = {}): RosterContext => ({
  classes: [
    { id: 11, name: '七(1)班' },
    { id: 12, name: '七(2)班' },
  ],
  existingExamNos: new Set(),
  examNoLength: null,
  ...over,
});
const errorsOf = (r: ReturnType<typeof validateRoster>) => (r.ok ? [] : r.errors);

describe('validateRoster', () => {
  it('maps good rows to students with class ids, whatever the column order', () => {
    const r = validateRoster(
      rows(['姓名', '班级', '考号'], ['张三', '七(1)班', '20240001'], ['李四', '七(2)班', '20240002']),
      ctx(),
    );
    expect(r).toEqual({
      ok: true,
      students: [
        { rowNo: 2, examNo: '20240001', name: '张三', classId: 11 },
        { rowNo: 3, examNo: '20240002', name: '李四', classId: 12 },
      ],
    });
  });

  it('accepts English headers, full-width brackets and stray spaces', () => {
    const r = validateRoster(rows([' ExamNo ', 'Name', 'CLASS'], [' 20240001 ', ' 王五 ', '七（2）班 ']), ctx());
    expect(r).toEqual({ ok: true, students: [{ rowNo: 2, examNo: '20240001', name: '王五', classId: 12 }] });
  });

  it('finds the header under a title row and keeps the sheet row numbers, skipping blank rows', () => {
    const r = validateRoster(
      rows(
        ['七年级学生名单', '', ''],
        ['考号', '姓名', '班级'],
        ['', '', ''],
        ['20240001', '张三', '七(1)班'],
        ['20240001', '李四', '七(1)班'],
      ),
      ctx(),
    );
    expect(errorsOf(r)).toEqual(['第5行：考号 20240001 重复（与第4行相同）']);
  });

  it('reports every bad row with its spreadsheet row number', () => {
    const r = validateRoster(
      rows(
        ['考号', '姓名', '班级'],
        ['20240001', '张三', '七(1)班'],
        ['20240002', '', '七(1)班'],
        ['20240003', '李四', '七(9)班'],
        ['2024A004', '王五', '七(1)班'],
        ['20240001', '赵六', '七(2)班'],
        ['20249999', '钱七', '七(2)班'],
        ['123', '孙八', '七(2)班'],
        ['', '', ''],
        ['', '周九', ''],
      ),
      ctx({ existingExamNos: new Set(['20249999']) }),
    );
    expect(errorsOf(r)).toEqual([
      '第3行：姓名为空',
      '第4行：班级“七(9)班”不存在',
      '第5行：考号 2024A004 应只含数字',
      '第6行：考号 20240001 重复（与第2行相同）',
      '第7行：考号 20249999 重复（本联盟已有学生使用此考号）',
      '第8行：考号 123 位数不对，应为 4–12 位数字',
      '第10行：考号为空',
      '第10行：班级为空',
    ]);
  });

  it("holds exam numbers to the alliance's length and hints at lost leading zeros", () => {
    const r = validateRoster(
      rows(
        ['考号', '姓名', '班级'],
        ['0240001', '张三', '七(1)班'],
        ['202400011', '李四', '七(1)班'],
        ['20240003', '王五', '七(1)班'],
      ),
      ctx({ examNoLength: 8 }),
    );
    const errors = errorsOf(r);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^第2行：考号 0240001 位数不对，应为 8 位.*开头的 0/);
    expect(errors[1]).toMatch(/^第3行：考号 202400011 位数不对，应为 8 位/);
    expect(errors[1]).not.toMatch(/开头的 0/);
  });

  it('without existing students, the most common length in the file wins', () => {
    const r = validateRoster(
      rows(
        ['考号', '姓名', '班级'],
        ['100001', 'A', '七(1)班'],
        ['100002', 'B', '七(1)班'],
        ['1000003', 'C', '七(1)班'],
      ),
      ctx(),
    );
    expect(errorsOf(r)).toEqual(['第4行：考号 1000003 位数不对，应为 6 位（与本联盟其他考号一致）']);
  });

  it('names each missing column and a doubled one', () => {
    expect(errorsOf(validateRoster(rows(['学号', '姓名'], ['1', '张三']), ctx()))).toEqual([
      '缺少列：考号',
      '缺少列：班级',
    ]);
    expect(
      errorsOf(validateRoster(rows(['考号', '姓名', '班级', '考号'], ['20240001', '张三', '七(1)班', '1']), ctx())),
    ).toEqual(['第1行：列“考号”出现了两次']);
  });

  it('refuses an empty file and a header without data', () => {
    expect(errorsOf(validateRoster([], ctx()))).toEqual(['文件为空：没有找到表头和学生数据']);
    expect(errorsOf(validateRoster(rows(['', ''], ['']), ctx()))).toEqual(['文件为空：没有找到表头和学生数据']);
    expect(errorsOf(validateRoster(rows(['考号', '姓名', '班级']), ctx()))).toEqual(['文件中只有表头，没有学生数据']);
  });

  it('normalizes class names for matching only', () => {
    expect(normalizeClassName(' 七（ 3 ）班')).toBe('七(3)班');
  });
});
