// Over HTTP, the way a subject group works on a shared paper: two leads of one subject author, submit, reject,
// approve; a locked paper refuses every change until a new version is made; the blueprint goes out as XLSX and
// comes back; the paper PDF stays confidential until release, then each school gets a copy with its own name.
import type { INestApplication } from '@nestjs/common';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import PDFKit from 'pdfkit';
import request from 'supertest';
import { storedZip } from '../support/zip.js';
import { createApiApp } from '../../src/app.factory.js';
import { Role } from '../../src/common/role.js';
import { AuditLog } from '../../src/common/entities/audit-log.entity.js';
import { OrgService } from '../../src/org/org.service.js';
import { createSchool, createUser } from '../support/fixtures.js';
import { createTestEnv, TestEnv } from '../support/test-env.js';

const PASSWORD = 'pass-word-9';

/** A plain two-page A4 PDF as a paper author would upload (no text: only the stamp will be extractable text). */
function twoPagePdf(): Promise<Buffer> {
  const doc = new PDFKit({ size: 'A4', autoFirstPage: false });
  for (let i = 0; i < 2; i++) {
    doc.addPage();
    doc.rect(72, 100 + i * 40, 300, 200).stroke();
  }
  doc.end();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

describe('papers: workflow, versions, blueprint and confidential PDF over HTTP', () => {
  let env: TestEnv;
  let app: INestApplication;
  let allianceId: number;
  let tmp: string;
  const tokens: Record<string, string> = {};
  const ids: Record<string, number> = {};

  const http = () => request(app.getHttpServer());
  const as = (who: string) => ({
    get: (url: string) => http().get(url).set('Authorization', `Bearer ${tokens[who]}`),
    post: (url: string, body?: object) => http().post(url).set('Authorization', `Bearer ${tokens[who]}`).send(body),
    patch: (url: string, body?: object) => http().patch(url).set('Authorization', `Bearer ${tokens[who]}`).send(body),
    upload: (url: string, name: string, data: Buffer) =>
      http().post(url).set('Authorization', `Bearer ${tokens[who]}`).attach('file', data, name),
    binary: (url: string) =>
      http()
        .get(url)
        .set('Authorization', `Bearer ${tokens[who]}`)
        .buffer(true)
        .parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => cb(null, Buffer.concat(chunks)));
        }),
  });
  async function login(who: string) {
    const res = await http().post('/api/auth/login').send({ username: who, password: PASSWORD });
    expect(res.status).toBe(200);
    tokens[who] = res.body.token;
  }
  const audits = (action: string) => env.ds.getRepository(AuditLog).find({ where: { action }, order: { id: 'ASC' } });

  const items = [
    {
      label: '1',
      type: 'single_choice',
      maxScore: 3,
      answerKey: 'B',
      knowledgePoints: ['数与代数/有理数'],
      cognitiveLevel: '了解',
    },
    {
      label: '2',
      type: 'multiple_choice',
      maxScore: 6,
      answerKey: 'ACD',
      partialCredit: 0.5,
      knowledgePoints: ['数与代数/整式'],
      cognitiveLevel: '理解',
    },
    { label: '3', type: 'true_false', maxScore: 2, answerKey: '对' },
    {
      label: '17(1)',
      type: 'subjective',
      maxScore: 6,
      knowledgePoints: ['有理数'],
      cognitiveLevel: '掌握',
      markingMode: 'double',
      tolerance: 1,
    },
    {
      label: '17(2)',
      type: 'subjective',
      maxScore: 8,
      scoreStep: 0.5,
      knowledgePoints: ['图形与几何/三角形'],
      cognitiveLevel: '运用',
      markingMode: 'double_arbitration',
      tolerance: 2,
      boxHeightMm: 70,
    },
  ];

  beforeAll(async () => {
    env = await createTestEnv('papers');
    tmp = mkdtempSync(join(tmpdir(), 'papers-e2e-'));
    app = await createApiApp(env.config, { logger: false });
    await app.init();
    const boot = await app.get(OrgService).bootstrapAlliance({
      name: '城关教联体',
      code: 'CG',
      adminUsername: 'cg_admin',
      adminPassword: PASSWORD,
      adminDisplayName: '王主任',
    });
    allianceId = boot.alliance.id;
    const a = await createSchool(env.ds, allianceId, '城关一中', 'CG1');
    const b = await createSchool(env.ds, allianceId, '河口中学', 'HK1');
    ids.schoolA = a.id;
    ids.schoolB = b.id;
    await createUser(env.ds, 'lead1', PASSWORD, [{ role: Role.SubjectLead, allianceId, subject: '数学' }]);
    await createUser(env.ds, 'lead2', PASSWORD, [{ role: Role.SubjectLead, allianceId, subject: '数学' }]);
    await createUser(env.ds, 'lead_en', PASSWORD, [{ role: Role.SubjectLead, allianceId, subject: '英语' }]);
    await createUser(env.ds, 'principal_a', PASSWORD, [{ role: Role.Principal, allianceId, schoolId: a.id }]);
    await createUser(env.ds, 'scanner_b', PASSWORD, [{ role: Role.Scanner, allianceId, schoolId: b.id }]);
    await createUser(env.ds, 'marker', PASSWORD, [{ role: Role.Marker, allianceId, subject: '数学' }]);
    for (const u of ['cg_admin', 'lead1', 'lead2', 'lead_en', 'principal_a', 'scanner_b', 'marker']) await login(u);
    const exam = await as('cg_admin').post(`/api/alliances/${allianceId}/exams`, {
      name: '2026 春季七年级期中联考',
      grade: '七年级',
    });
    expect(exam.status).toBe(201);
    ids.exam = exam.body.id;
  });
  afterAll(async () => {
    await app.close();
    await env.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('authors a paper with sub-items, partial credit, levels and knowledge points that grow the tree', async () => {
    const res = await as('lead1').post(`/api/exams/${ids.exam}/papers`, {
      subject: '数学',
      title: '七年级数学',
      items,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'draft', version: 1, previousPaperId: null, fullMarks: 25 });
    ids.v1 = res.body.id;
    expect(
      res.body.items.map(
        (i: {
          label: string;
          parentLabel: string | null;
          cognitiveLevel: string | null;
          partialCredit: number | null;
          knowledgePoints: string[] | null;
        }) => [i.label, i.parentLabel, i.cognitiveLevel, i.partialCredit, i.knowledgePoints],
      ),
    ).toEqual([
      ['1', null, '了解', null, ['有理数']],
      ['2', null, '理解', 0.5, ['整式']],
      ['3', null, null, null, null],
      ['17(1)', '17', '掌握', null, ['有理数']],
      ['17(2)', '17', '运用', null, ['三角形']],
    ]);
    // The bare name "有理数" resolved to the node created by item 1's path: same node id.
    expect(res.body.items[3].knowledgePointIds).toEqual(res.body.items[0].knowledgePointIds);
    const tree = await as('marker').get(
      `/api/alliances/${allianceId}/knowledge-points?subject=${encodeURIComponent('数学')}`,
    );
    expect(tree.status).toBe(200);
    expect(
      tree.body.map((n: { name: string; children: { name: string }[] }) => [
        n.name,
        n.children.map((c) => c.name).sort(),
      ]),
    ).toEqual([
      ['数与代数', ['整式', '有理数']],
      ['图形与几何', ['三角形']],
    ]);
    const added = await as('lead2').post(`/api/alliances/${allianceId}/knowledge-points`, {
      subject: '数学',
      paths: ['数与代数/有理数/绝对值', '数与代数/有理数'],
    });
    expect(added.status).toBe(201);
    expect(added.body.added).toBe(1);
    expect(
      (await as('lead_en').post(`/api/alliances/${allianceId}/knowledge-points`, { subject: '数学', paths: ['x'] }))
        .status,
    ).toBe(403);
  });

  it('runs draft → in review → (rejected) → in review → locked with a second lead; the submitter cannot approve', async () => {
    const url = `/api/papers/${ids.v1}`;
    const direct = await as('lead1').post(`${url}/lock`);
    expect(direct.status).toBe(403);
    expect(direct.body.message).toBe('本学科有多位组长：请提交审核，由另一位组长或联盟管理员批准后锁定');

    expect((await as('lead_en').post(`${url}/submit`)).status).toBe(403);
    const submitted = await as('lead1').post(`${url}/submit`);
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ status: 'in_review', submittedBy: expect.any(Number) });
    const self = await as('lead1').post(`${url}/approve`);
    expect(self.status).toBe(403);
    expect(self.body.message).toBe('不能审核自己提交的试卷，须由本学科另一位组长或联盟管理员审核');
    const editInReview = await as('lead1').patch(url, { title: '改标题' });
    expect(editInReview.status).toBe(409);
    expect(editInReview.body.message).toBe('试卷正在审核中，不能修改；如需修改请由审核人退回');

    expect((await as('lead2').post(`${url}/reject`, {})).body.message).toBe('退回试卷时请填写审核意见');
    const rejected = await as('lead2').post(`${url}/reject`, { comment: '第2题部分得分请改为 0.5 以外的比例再议' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'draft', reviewComment: '第2题部分得分请改为 0.5 以外的比例再议' });

    const edited = await as('lead1').patch(url, {
      title: '七年级数学（修订）',
      items: items.map((i) => (i.label === '2' ? { ...i, partialCredit: 0.4, maxScore: 5 } : i)),
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ title: '七年级数学（修订）', fullMarks: 24 });
    expect(edited.body.items[1]).toMatchObject({ maxScore: 5, partialCredit: 0.4 });
    const badEdit = await as('lead1').patch(url, {
      items: [{ label: '1', type: 'single_choice', maxScore: 3, answerKey: 'B', cognitiveLevel: '精通' }],
    });
    expect(badEdit.status).toBe(400);
    expect(badEdit.body.errors).toEqual(['第1题：认知层次“精通”无效，应为 了解 / 理解 / 掌握 / 运用']);

    expect((await as('lead1').post(`${url}/submit`)).status).toBe(200);
    // Two reviewers at once: exactly one approval wins, the other sees the paper already locked.
    const [x, y] = await Promise.all([
      as('lead2').post(`${url}/approve`, { comment: '同意' }),
      as('cg_admin').post(`${url}/approve`),
    ]);
    expect([x.status, y.status].sort()).toEqual([200, 409]);
    const paper = await as('lead1').get(url);
    expect(paper.body.status).toBe('locked');

    const trail = (
      await env.ds
        .getRepository(AuditLog)
        .find({ where: { entity: 'paper', entityId: String(ids.v1) }, order: { id: 'ASC' } })
    ).map((a) => a.action);
    expect(trail).toEqual(['create', 'submit', 'reject', 'update', 'replace_items', 'submit', 'approve']);
  });

  it('a locked paper refuses every change with 409; a new version copies it into a draft', async () => {
    const url = `/api/papers/${ids.v1}`;
    const LOCKED = '试卷已锁定，不能修改；如需修改请创建新版本';
    for (const res of [
      await as('lead1').patch(url, { title: 'x' }),
      await as('cg_admin').patch(url, { items }),
      await as('lead1').upload(`${url}/blueprint`, 'b.xlsx', Buffer.from('PK')),
      await as('lead1').upload(`${url}/document`, 'p.pdf', await twoPagePdf()),
    ]) {
      expect(res.status).toBe(409);
      expect(res.body.message).toBe(LOCKED);
    }
    expect((await as('lead1').post(`${url}/submit`)).status).toBe(409);
    expect((await as('lead2').post(`${url}/reject`, { comment: 'x' })).status).toBe(409);
    expect((await as('marker').post(`${url}/versions`)).status).toBe(403);

    const v2 = await as('lead2').post(`${url}/versions`);
    expect(v2.status).toBe(201);
    expect(v2.body).toMatchObject({
      status: 'draft',
      version: 2,
      previousPaperId: ids.v1,
      subject: '数学',
      fullMarks: 24,
    });
    ids.v2 = v2.body.id;
    const full = await as('lead1').get(`/api/papers/${ids.v2}`);
    const strip = (list: object[]) => list.map(({ id: _id, ...rest }: { id?: number }) => rest);
    expect(strip(full.body.items)).toEqual(strip((await as('lead1').get(url)).body.items));
    const again = await as('lead1').post(`${url}/versions`);
    expect(again.status).toBe(409);
    expect(again.body.message).toBe('该试卷已有更新的版本，请在最新版本上修改');
    expect((await as('lead1').patch(`/api/papers/${ids.v2}`, { title: '七年级数学（第二版）' })).status).toBe(200);
  });

  it('exports the blueprint as XLSX and imports it back unchanged; bad rows are all named and nothing is stored', async () => {
    const exp = await as('lead1').binary(`/api/papers/${ids.v2}/blueprint.xlsx`);
    expect(exp.status).toBe(200);
    expect(exp.headers['content-type']).toContain('spreadsheetml');
    expect((await as('marker').get(`/api/papers/${ids.v2}/blueprint.xlsx`)).status).toBe(403);
    expect((await as('lead_en').get(`/api/papers/${ids.v2}/blueprint.xlsx`)).status).toBe(403);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(exp.body);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['双向细目表', '细目表汇总']);
    const sheet = wb.getWorksheet('双向细目表')!;
    expect((sheet.getRow(1).values as string[]).slice(1, 4)).toEqual(['题号', '所属大题', '题型']);
    expect(sheet.rowCount).toBe(6);
    expect(sheet.getRow(3).getCell(3).value).toBe('多选');
    const summary = wb.getWorksheet('细目表汇总')!;
    const totals = summary.getRow(summary.rowCount).values as (string | number)[];
    expect(totals[1]).toBe('合计（每题计一次）');
    expect(totals[totals.length - 1]).toBe(24);

    const before = (await as('lead1').get(`/api/papers/${ids.v2}`)).body;
    const back = await as('lead1').upload(`/api/papers/${ids.v2}/blueprint`, '细目表.xlsx', exp.body);
    expect(back.status).toBe(200);
    const strip = (list: object[]) => list.map(({ id: _id, ...rest }: { id?: number }) => rest);
    expect(strip(back.body.items)).toEqual(strip(before.items));
    expect(back.body.fullMarks).toBe(before.fullMarks);

    // Now a teacher's edit with mistakes: every bad row is reported, the paper keeps its items.
    sheet.getRow(3).getCell(3).value = '问答';
    sheet.getRow(4).getCell(6).value = 'E';
    sheet.addRow(['18', '', '主观', 10, '', '', '', '', '', '双评']);
    const bad = await as('lead1').upload(
      `/api/papers/${ids.v2}/blueprint`,
      '细目表.xlsx',
      Buffer.from(await wb.xlsx.writeBuffer()),
    );
    expect(bad.status).toBe(400);
    // Every problem of the file in one answer: the unknown word and the item rules of the other rows.
    expect(bad.body.errors).toEqual([
      '第3行：题型“问答”无法识别（可填：单选、多选、判断、填空、主观）',
      '第4行：判断题答案应为 T（对）或 F（错），收到“E”',
      '第7行：双评需要设置误差阈值（tolerance ≥ 0）',
    ]);
    sheet.getRow(3).getCell(3).value = '多选';
    const bad2 = await as('lead1').upload(
      `/api/papers/${ids.v2}/blueprint`,
      '细目表.xlsx',
      Buffer.from(await wb.xlsx.writeBuffer()),
    );
    expect(bad2.body.errors).toEqual([
      '第4行：判断题答案应为 T（对）或 F（错），收到“E”',
      '第7行：双评需要设置误差阈值（tolerance ≥ 0）',
    ]);
    expect(strip((await as('lead1').get(`/api/papers/${ids.v2}`)).body.items)).toEqual(strip(before.items));

    const notXlsx = await as('lead1').upload(
      `/api/papers/${ids.v2}/blueprint`,
      '细目表.xls',
      Buffer.from('not a spreadsheet'),
    );
    expect(notXlsx.status).toBe(400);
    expect(notXlsx.body.message).toBe(
      '无法读取“细目表.xls”：请上传 Excel（.xlsx）格式的双向细目表（.xls 请先另存为 .xlsx）',
    );

    // A ZIP bomb: 40 KB on the wire, 40 MB of zeros unpacked; refused before the spreadsheet library inflates it.
    const bomb = storedZip(
      [
        { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
        { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(40 * 1024 * 1024, 0x20) },
      ],
      { deflate: true },
    );
    expect(bomb.length).toBeLessThan(200 * 1024);
    const bombed = await as('lead1').upload(`/api/papers/${ids.v2}/blueprint`, '细目表.xlsx', bomb);
    expect(bombed.status).toBe(400);
    expect(bombed.body.message).toBe('“细目表.xlsx”解压后超过 16 MB，不像是双向细目表，请检查文件');
    expect(strip((await as('lead1').get(`/api/papers/${ids.v2}`)).body.items)).toEqual(strip(before.items));
    expect(await audits('export_blueprint')).toHaveLength(1);
  });

  it('keeps the paper PDF confidential before release, then stamps each school’s copy with its own name', async () => {
    const doc = `/api/papers/${ids.v2}/document`;
    expect((await as('lead1').get(doc)).status).toBe(404);
    const notPdf = await as('lead1').upload(doc, 'paper.pdf', Buffer.from('hello'));
    expect(notPdf.status).toBe(400);
    expect(notPdf.body.message).toBe('“paper.pdf”不是可读取的 PDF 文件（加密或损坏的 PDF 也无法使用）');
    const pdf = await twoPagePdf();
    const up = await as('lead1').upload(doc, '七年级数学.pdf', pdf);
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ pages: 2 });

    // Not released (no release time), then released in the future: schools are refused, leads and admins read it.
    const denied = await as('principal_a').get(doc);
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe('试卷尚未公开，只有本学科组长和联盟管理员可以查看');
    const future = await as('cg_admin').patch(`/api/exams/${ids.exam}`, { releaseAt: '2099-06-20 09:00' });
    expect(future.status).toBe(200);
    expect(new Date(future.body.releaseAt).toISOString()).toBe('2099-06-20T01:00:00.000Z');
    expect((await as('lead1').patch(`/api/exams/${ids.exam}`, { releaseAt: '2099-06-20 09:00' })).status).toBe(403);
    expect((await as('cg_admin').patch(`/api/exams/${ids.exam}`, { releaseAt: '明天' })).status).toBe(400);
    const badExam = await as('cg_admin').post(`/api/alliances/${allianceId}/exams`, {
      name: '期末',
      grade: '七年级',
      releaseAt: '明天',
    });
    expect(badExam.status).toBe(400);
    expect(badExam.body.errors).toEqual([
      '公开时间（releaseAt）应为“2026-06-20 09:00”（北京时间）或带时区的 ISO 时间，或 null 表示不公开',
    ]);
    const withRelease = await as('cg_admin').post(`/api/alliances/${allianceId}/exams`, {
      name: '期末',
      grade: '七年级',
      releaseAt: '2026-07-01T08:00:00+08:00',
    });
    expect(withRelease.body.releaseAt).toBe('2026-07-01T00:00:00.000Z');
    const early = await as('scanner_b').get(doc);
    expect(early.status).toBe(403);
    expect(early.body.message).toBe('试卷在 2099-06-20 09:00（北京时间）公开之前，只有本学科组长和联盟管理员可以查看');
    expect((await as('lead_en').get(doc)).status).toBe(403);
    for (const who of ['lead2', 'cg_admin']) {
      const res = await as(who).binary(doc);
      expect(res.status).toBe(200);
      expect(Buffer.compare(res.body, pdf)).toBe(0);
    }

    await as('cg_admin').patch(`/api/exams/${ids.exam}`, { releaseAt: new Date(Date.now() - 60_000).toISOString() });
    const textOf = (data: Buffer, page: number) => {
      const f = join(tmp, `p-${Date.now()}-${page}.pdf`);
      writeFileSync(f, data);
      return execFileSync('pdftotext', ['-f', String(page), '-l', String(page), f, '-']).toString('utf8');
    };
    for (const [who, mine, other] of [
      ['principal_a', '城关一中', '河口中学'],
      ['scanner_b', '河口中学', '城关一中'],
    ]) {
      const res = await as(who).binary(doc);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      const info = execFileSync('pdfinfo', ['-'], { input: res.body }).toString();
      expect(info).toMatch(/Pages:\s+2/);
      for (const page of [1, 2]) {
        const text = textOf(res.body, page);
        expect(text).toContain(`${mine} · 2026 春季七年级期中联考 本校专用 · 严禁外传`);
        expect(text).not.toContain(other);
      }
    }
    const foreign = await as('principal_a').get(`${doc}?schoolId=${ids.schoolB}`);
    expect(foreign.status).toBe(403);
    expect(foreign.body.message).toBe('只能下载本校的试卷副本');
    expect((await as('marker').get(doc)).status).toBe(403);

    const downloads = (await audits('download')).map((a) => a.detail as { stamped: boolean; schoolId?: number });
    expect(downloads.map((d) => [d.stamped, d.schoolId ?? null])).toEqual([
      [false, null],
      [false, null],
      [true, ids.schoolA],
      [true, ids.schoolB],
    ]);
    const refused = (await audits('download_denied')).map((a) => (a.detail as { reason: string }).reason);
    expect(refused).toEqual(['not_released', 'not_released', 'not_released', 'other_school', 'no_school_role']);
  });
});
