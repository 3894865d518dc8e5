// The built pages as the API serves them (npm test builds dist/web first): each page URL answers its HTML shell,
// which holds no data and is asked for again after a deployment; its hashed assets are kept by browsers for a year.
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApiApp } from '../../src/app.factory.js';
import { createTestEnv, TestEnv } from '../support/test-env.js';

const PAGES: [string, string][] = [
  ['/', '统考 · 首页'],
  ['/login', '统考 · 登录'],
  ['/mark', '统考 · 网上阅卷'],
  ['/scans', '统考 · 扫描上传'],
  ['/lead', '统考 · 阅卷管理'],
  ['/papers', '统考 · 统一命题'],
  ['/exams', '统考 · 考试管理'],
  ['/reports', '统考 · 学校诊断报告'],
  ['/school-report', '统考 · 学校诊断报告（网页版）'],
  ['/suggestions', '统考 · 补短板建议库'],
  ['/marking-setup', '统考 · 阅卷设置'],
  ['/monitor', '统考 · 进度监控'],
  ['/kaowu', '统考 · 考务安排'],
  ['/rooms', '统考 · 考场名单'],
  ['/overview', '统考 · 联盟质量分析总览'],
  ['/county', '统考 · 区县联盟对比'],
  ['/jobs', '统考 · 失败任务'],
  ['/notice', '统考 · 成绩通知查询'],
  ['/class-report', '统考 · 班级报告'],
  ['/notices', '统考 · 学生成绩通知单'],
];

describe('pages and their assets', () => {
  let env: TestEnv;
  let app: INestApplication;

  beforeAll(async () => {
    env = await createTestEnv('pages');
    app = await createApiApp(env.config, { logger: false });
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  it.each(PAGES)('%s answers its page shell, with no session and with query parameters', async (path, title) => {
    const res = await request(app.getHttpServer()).get(`${path}?next=%2Fexams&examId=3`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.text).toContain(`<title>${title}</title>`);
    expect(res.text).toContain('<div id="app"></div>');
  });

  it('serves the scripts and styles a page names, cached for a year; an unknown asset is 404', async () => {
    const html = (await request(app.getHttpServer()).get('/mark')).text;
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    for (const a of assets) {
      const res = await request(app.getHttpServer()).get(a);
      expect([a, res.status]).toEqual([a, 200]);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(res.headers['content-type']).toMatch(a.endsWith('.js') ? /javascript/ : /text\/css/);
    }
    expect((await request(app.getHttpServer()).get('/assets/nothing-here-0000.js')).status).toBe(404);
    expect((await request(app.getHttpServer()).get('/assets/../package.json')).status).toBe(404);
  });
});
