import { tagOfPath } from './api-tags.js';

describe('tagOfPath', () => {
  it.each([
    ['/api/marking/next', '网上阅卷'],
    ['/api/exams/{id}/results', '考试与历史成绩'],
    ['/api/auth/login', '登录与会话'],
    ['/ready', '运行状态'],
    ['/api/unheard-of', '其他'],
  ])('%s → %s', (path, tag) => expect(tagOfPath(path)).toBe(tag));
});
