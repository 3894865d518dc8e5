import { isNoRouteMessage, readableError, type ErrorContext } from './readable-error.js';

describe('readableError', () => {
  it.each<[string, ErrorContext, string]>([
    ['a Chinese message passes as it is', { status: 400, message: '学校代码 S1 已存在' }, '学校代码 S1 已存在'],
    ['the first of a list', { status: 400, message: ['第2行：姓名为空', 'x'] }, '第2行：姓名为空'],
    [
      'an unknown page',
      { status: 404, message: 'Cannot GET /nowhere', noRoute: true },
      '页面不存在，请检查地址或返回首页',
    ],
    [
      'an unknown API route',
      { status: 404, message: 'Cannot POST /api/x', noRoute: true, api: true },
      '请求的接口不存在，请检查地址',
    ],
    [
      'malformed JSON',
      { status: 400, message: 'Unexpected token } in JSON at position 9', parserType: 'entity.parse.failed' },
      '提交的内容不是有效的 JSON 格式',
    ],
    [
      'too large a body',
      { status: 413, message: 'request entity too large', parserType: 'entity.too.large' },
      '提交的内容太大（超过 5 MB），请减少内容或分批提交',
    ],
    [
      'a framework message in English',
      { status: 400, message: 'Validation failed (numeric string is expected)' },
      '提交的内容有误，请检查后重试',
    ],
    ['multer in English', { status: 400, message: 'Unexpected field' }, '提交的内容有误，请检查后重试'],
    ['no message, 403', { status: 403 }, '没有权限进行此操作'],
    ['a 5xx without a message', { status: 502 }, '服务器内部错误，请稍后重试或联系管理员'],
    ['an unusual 4xx', { status: 418, message: "I'm a teapot" }, '请求失败（状态 418）'],
  ])('%s', (_, c, want) => {
    expect(readableError(c)).toBe(want);
  });

  it.each([
    ['Cannot GET /schools', true],
    ['Cannot POST /api/alliances/1/nothing', true],
    ['联盟不存在', false],
    [undefined, false],
  ])('isNoRouteMessage(%j) is %s', (m, want) => {
    expect(isNoRouteMessage(m)).toBe(want);
  });
});
