// Roster import through RosterService on the real database: CSV (UTF-8 with BOM, GB18030) and XLSX,
// and bad files that must store nothing and report every bad row with its spreadsheet row number.
import { BadRequestException, ForbiddenException } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { storedZip } from '../support/zip.js';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Role } from '../../src/common/role.js';
import { Actor } from '../../src/common/actor.js';
import { AuditLog } from '../../src/common/entities/audit-log.entity.js';
import { SchoolClass } from '../../src/org/entities/school-class.entity.js';
import { Student } from '../../src/org/entities/student.entity.js';
import { OrgService } from '../../src/org/org.service.js';
import { RosterService } from '../../src/org/roster.service.js';
import { createAlliance, createSchool } from '../support/fixtures.js';
import { createServiceModule } from '../support/service-module.js';
import { createTestEnv, TestEnv } from '../support/test-env.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/roster');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));
const upload = (name: string, buffer: Buffer) => ({ originalname: name, buffer, size: buffer.length });

/** The 400 body of a failed import, or a failure of the test if it did not fail that way. */
async function failure(p: Promise<unknown>): Promise<{ message: string; errors: string[] }> {
  const err = await p.then(
    () => null,
    (e) => e,
  );
  expect(err).toBeInstanceOf(BadRequestException);
  return (err as BadRequestException).getResponse() as { message: string; errors: string[] };
}

describe('roster import', () => {
  let env: TestEnv;
  let roster: RosterService;
  let admin: Actor;
  let schoolA: number;
  let schoolB: number;
  let allianceId: number;
  const classIds: Record<string, number> = {};

  const studentsOf = (schoolId: number) =>
    env.ds.getRepository(Student).find({ where: { schoolId }, order: { examNo: 'ASC' } });
  const countAll = () => env.ds.getRepository(Student).countBy({ allianceId });

  beforeAll(async () => {
    env = await createTestEnv('roster');
    const services = await createServiceModule(env, [OrgService, RosterService]);
    const org = services.get(OrgService);
    roster = services.get(RosterService);
    const a = await createAlliance(env.ds);
    allianceId = a.id;
    schoolA = (await createSchool(env.ds, a.id, '城关一中', 'CG1')).id;
    schoolB = (await createSchool(env.ds, a.id, '河口中学', 'HK1')).id;
    admin = new Actor(1, 'admin', '管理员', [{ role: Role.Admin, allianceId, schoolId: null, subject: null }]);
    await org.createClasses(admin, schoolA, { names: ['七(1)班', '七(2)班'], grade: '七年级' });
    await org.createClasses(admin, schoolB, { names: ['七(1)班'] });
    for (const c of await env.ds.getRepository(SchoolClass).find()) classIds[`${c.schoolId}/${c.name}`] = c.id;
  });
  afterAll(async () => {
    await env.cleanup();
  });

  it('imports a UTF-8 CSV with BOM: names, quoted commas and full-width class brackets intact', async () => {
    expect(await roster.importRoster(admin, schoolA, upload('名单.csv', fixture('good-utf8-bom.csv')))).toEqual({
      imported: 4,
    });
    const students = await studentsOf(schoolA);
    expect(students.map((s) => [s.examNo, s.name, s.classId])).toEqual([
      ['20250101', '张三', classIds[`${schoolA}/七(1)班`]],
      ['20250102', '李四', classIds[`${schoolA}/七(1)班`]],
      ['20250103', '欧阳娜娜', classIds[`${schoolA}/七(2)班`]],
      ['20250104', '王,小明', classIds[`${schoolA}/七(2)班`]],
    ]);
    expect(students.every((s) => s.allianceId === allianceId)).toBe(true);
    expect(
      await env.ds.getRepository(AuditLog).countBy({ action: 'import', entity: 'roster', entityId: String(schoolA) }),
    ).toBe(1);
  });

  it('imports a GB18030 CSV as saved by Excel in China', async () => {
    const bytes = fixture('good-gb18030.csv');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow(); // the fixture really is not UTF-8
    const scannerB = new Actor(2, 'scanb', '扫描员', [
      { role: Role.Scanner, allianceId, schoolId: schoolB, subject: null },
    ]);
    expect(await roster.importRoster(scannerB, schoolB, upload('roster.csv', bytes))).toEqual({ imported: 3 });
    expect((await studentsOf(schoolB)).map((s) => s.name)).toEqual(['赵丽颖', '钱学森', '孙悟空']);
  });

  it('imports an XLSX whose cells are numbers, rich text and formulas', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('名单');
    ws.addRow(['考号', '姓名', '班级']);
    ws.addRow([20250105, '刘一', '七(1)班']);
    ws.addRow([
      20250106,
      { richText: [{ text: '陈' }, { text: '二', font: { bold: true } }] },
      { formula: '"七(2)"&"班"', result: '七(2)班' },
    ]);
    ws.addRow(['20250107', '杨三', '七(2)班']);
    const buffer = Buffer.from(await wb.xlsx.writeBuffer());
    expect(await roster.importRoster(admin, schoolA, upload('roster.xlsx', buffer))).toEqual({ imported: 3 });
    const byNo = new Map((await studentsOf(schoolA)).map((s) => [s.examNo, s]));
    expect(byNo.get('20250105')).toMatchObject({ name: '刘一', classId: classIds[`${schoolA}/七(1)班`] });
    expect(byNo.get('20250106')).toMatchObject({ name: '陈二', classId: classIds[`${schoolA}/七(2)班`] });
    expect(byNo.get('20250107')).toMatchObject({ name: '杨三' });
  });

  it('refuses a CSV with bad rows, reports each with its row number and stores nothing', async () => {
    const before = await countAll();
    const body = await failure(roster.importRoster(admin, schoolA, upload('bad.csv', fixture('bad-rows.csv'))));
    expect(body.message).toBe('名单导入失败，共5处错误');
    expect(body.errors).toEqual([
      '第3行：考号 20250301 重复（与第2行相同）',
      '第4行：姓名为空',
      '第5行：班级“七(9)班”不存在',
      '第6行：考号 20250101 重复（本联盟已有学生使用此考号）',
      '第7行：考号 2025030X 应只含数字',
    ]);
    expect(await countAll()).toBe(before);
    // The good rows of the failed file (rows 2 and 8) were not stored either.
    expect(await env.ds.getRepository(Student).countBy({ examNo: '20250301' })).toBe(0);
    expect(await env.ds.getRepository(Student).countBy({ examNo: '20250307' })).toBe(0);
  });

  it('refuses an exam number already used by another school of the alliance', async () => {
    const csv = Buffer.from('考号,姓名,班级\n20250201,冒名,七(1)班\n20250999,新生,七(1)班\n');
    const body = await failure(roster.importRoster(admin, schoolA, upload('x.csv', csv)));
    expect(body.errors).toEqual(['第2行：考号 20250201 重复（本联盟已有学生使用此考号）']);
    expect(await env.ds.getRepository(Student).countBy({ examNo: '20250999' })).toBe(0);
  });

  it('refuses wrong columns, an empty file and a bad XLSX row, storing nothing', async () => {
    const before = await countAll();
    expect(
      (await failure(roster.importRoster(admin, schoolA, upload('w.csv', fixture('wrong-columns.csv'))))).errors,
    ).toEqual(['缺少列：考号', '缺少列：姓名']);
    expect((await failure(roster.importRoster(admin, schoolA, upload('empty.csv', Buffer.alloc(0))))).errors).toEqual([
      '文件为空',
    ]);
    expect(
      (await failure(roster.importRoster(admin, schoolA, upload('blank.csv', Buffer.from('\ufeff\r\n\r\n'))))).errors,
    ).toEqual(['文件为空：没有找到表头和学生数据']);
    expect(
      (
        await failure(
          roster.importRoster(
            admin,
            schoolA,
            upload('old.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0])),
          ),
        )
      ).errors[0],
    ).toMatch(/不支持旧版 \.xls/);

    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(['七年级名单']); // title row above the header
    ws.addRow(['examNo', 'name', 'class']);
    ws.addRow([20250501, '何一', '七(1)班']);
    ws.addRow([]);
    ws.addRow([2025050, '何二', '七(1)班']); // a leading digit lost: wrong length
    ws.addRow([20250503, '何三', '八(1)班']);
    const body = await failure(
      roster.importRoster(admin, schoolA, upload('b.xlsx', Buffer.from(await wb.xlsx.writeBuffer()))),
    );
    expect(body.errors).toEqual([
      expect.stringMatching(/^第5行：考号 2025050 位数不对，应为 8 位/),
      '第6行：班级“八(1)班”不存在',
    ]);
    expect(await countAll()).toBe(before);
  });

  it('refuses an XLSX that unpacks beyond 64 MB (a ZIP bomb) before the spreadsheet library inflates it, storing nothing', async () => {
    const before = await countAll();
    const bomb = storedZip(
      [
        { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
        { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(70 * 1024 * 1024, 0x20) },
      ],
      { deflate: true },
    );
    expect(bomb.length).toBeLessThan(200 * 1024); // small on the wire, 70 MB unpacked
    expect((await failure(roster.importRoster(admin, schoolA, upload('bomb.xlsx', bomb)))).errors).toEqual([
      'Excel 文件解压后过大（超过 64 MB），不像是学生名单或成绩表，请检查文件或分批导入',
    ]);
    // The same content under the cap is read through to the spreadsheet library (and rejected there, as it is no workbook).
    const small = storedZip([{ name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(1024 * 1024, 0x20) }], {
      deflate: true,
    });
    expect((await failure(roster.importRoster(admin, schoolA, upload('small.xlsx', small)))).errors[0]).not.toMatch(
      /解压后过大/,
    );
    expect(await countAll()).toBe(before);
  });

  it("refuses another school's scanner and a principal", async () => {
    const scannerB = new Actor(2, 'scanb', '扫描员', [
      { role: Role.Scanner, allianceId, schoolId: schoolB, subject: null },
    ]);
    const principalA = new Actor(3, 'pa', '校长', [
      { role: Role.Principal, allianceId, schoolId: schoolA, subject: null },
    ]);
    const csv = Buffer.from('考号,姓名,班级\n20250601,某某,七(1)班\n');
    await expect(roster.importRoster(scannerB, schoolA, upload('x.csv', csv))).rejects.toBeInstanceOf(
      ForbiddenException,
    );
    await expect(roster.importRoster(principalA, schoolA, upload('x.csv', csv))).rejects.toBeInstanceOf(
      ForbiddenException,
    );
    expect(await env.ds.getRepository(Student).countBy({ examNo: '20250601' })).toBe(0);
  });
});
