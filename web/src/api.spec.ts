import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { api, ApiError, loginUrl, NETWORK_ERROR, SERVER_ERROR } from './api';

// The client in Node: fetch answered by the test, window.location a plain object.
const assign = jest.fn<(url: string) => void>();
let fetched: { url: string; init: RequestInit }[] = [];
function answer(status: number, body?: unknown, type = 'application/json') {
  globalThis.fetch = (async (url: string, init: RequestInit) => {
    fetched.push({ url, init });
    return new Response(body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body), {
      status,
      headers: body === undefined ? {} : { 'content-type': type },
    });
  }) as typeof fetch;
}

beforeEach(() => {
  fetched = [];
  assign.mockReset();
  (globalThis as unknown as { window: unknown }).window = {
    location: { pathname: '/mark', search: '?examId=3', assign },
  };
});
afterEach(() => {
  delete (globalThis as { window?: unknown }).window;
});

async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    return e as ApiError;
  }
  throw new Error('expected the call to fail');
}

describe('api', () => {
  it('sends JSON with the session cookie and returns the parsed answer', async () => {
    answer(200, { ok: 1 });
    await expect(api('/api/x', { body: { a: 1 } })).resolves.toEqual({ ok: 1 });
    expect(fetched[0].init).toMatchObject({
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: '{"a":1}',
    });
  });

  it('sends FormData as it is (the browser sets the multipart boundary)', async () => {
    answer(200, { accepted: 2 });
    const form = new FormData();
    form.append('schoolId', '4');
    await api('/api/exams/1/scans', { body: form });
    expect(fetched[0].init.body).toBe(form);
    expect(fetched[0].init.headers).toEqual({});
  });

  it('returns null for 204 (nothing left to mark)', async () => {
    answer(204);
    await expect(api('/api/marking/next', { body: {} })).resolves.toBeNull();
  });

  it('sends a missing session to the login page, back to this page afterwards', async () => {
    answer(401, { message: '请先登录' });
    const e = await failure(api('/api/auth/me'));
    expect(e.status).toBe(401);
    expect(assign).toHaveBeenCalledWith('/login?next=%2Fmark%3FexamId%3D3');
    expect(loginUrl({ pathname: '/reports', search: '' })).toBe('/login?next=%2Freports');
  });

  it('on the login page, a 401 is the wrong password: no redirect, the server says why', async () => {
    (globalThis as unknown as { window: { location: { pathname: string } } }).window.location.pathname = '/login';
    answer(401, { statusCode: 401, message: '用户名或密码错误' });
    const e = await failure(api('/api/auth/login', { body: {} }));
    expect(e.message).toBe('用户名或密码错误');
    expect(assign).not.toHaveBeenCalled();
  });

  it('turns every failure into a Chinese message', async () => {
    answer(400, { message: '细目表有2处错误：…', errors: ['第2行：答案 E 超出选项范围 A–D', 7] });
    const rows = await failure(api('/api/x'));
    expect([rows.message, rows.errors]).toEqual(['细目表有2处错误：…', ['第2行：答案 E 超出选项范围 A–D']]);

    answer(404, { statusCode: 404, message: 'Cannot GET /api/nope' }); // Nest's own English text is not shown
    expect((await failure(api('/api/nope'))).message).toBe('要找的内容不存在或已被删除');

    answer(502, '<html>Bad Gateway</html>', 'text/html');
    expect((await failure(api('/api/x'))).message).toBe(SERVER_ERROR);

    answer(418);
    expect((await failure(api('/api/x'))).message).toBe('请求失败（418）');

    globalThis.fetch = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    const offline = await failure(api('/api/x'));
    expect([offline.status, offline.message]).toEqual([0, NETWORK_ERROR]);
  });

  it('fetches a picture as a Blob', async () => {
    answer(200, 'PNG…', 'image/png');
    const blob = await api<Blob>('/api/marking/snippets/t', { as: 'blob' });
    expect(await blob.text()).toBe('PNG…');
  });
});
