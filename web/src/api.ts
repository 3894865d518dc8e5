// The one client of the JSON API: the session cookie goes along (same origin), JSON or FormData goes out, a missing
// session sends the person to the login page, and every failure becomes an ApiError with a Chinese message.

export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    message: string,
    /** Row-by-row errors some endpoints add (a blueprint or results file): shown as a list under the message. */
    readonly errors: string[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const NETWORK_ERROR = '网络连接失败，请检查网络后重试';
export const SERVER_ERROR = '服务器内部错误，请稍后重试';

/** What a person reads when the server gave no Chinese message of its own. */
export function messageForStatus(status: number): string {
  if (status === 0) return NETWORK_ERROR;
  if (status >= 500) return SERVER_ERROR;
  const known: Record<number, string> = {
    400: '提交的内容有误，请检查后重试',
    401: '请先登录',
    403: '没有权限进行此操作',
    404: '要找的内容不存在或已被删除',
    409: '数据已被他人修改，请刷新页面后重试',
    413: '上传的文件太大',
    429: '操作过于频繁，请稍后再试',
  };
  return known[status] ?? `请求失败（${status}）`;
}

const HAS_CHINESE = /[\u3400-\u9fff]/;

/** The server's own message when it is one a person can read (Chinese); the status's message otherwise. */
export function errorFromResponse(status: number, body: unknown): ApiError {
  const b = (body && typeof body === 'object' ? body : {}) as { message?: unknown; errors?: unknown };
  const message = typeof b.message === 'string' && HAS_CHINESE.test(b.message) ? b.message : messageForStatus(status);
  const errors = Array.isArray(b.errors) ? b.errors.filter((e): e is string => typeof e === 'string') : [];
  return new ApiError(status, message, errors);
}

export interface ApiOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** A FormData goes as multipart; anything else is sent as JSON. */
  body?: unknown;
  /** 'blob' for images fetched ahead of time (the marker's next answer). */
  as?: 'json' | 'blob';
}

/** The login page's address that brings the person back here afterwards. */
export function loginUrl(loc: { pathname: string; search: string } = window.location): string {
  return '/login?next=' + encodeURIComponent(loc.pathname + loc.search);
}

export async function api<T = unknown>(path: string, options: ApiOptions = {}): Promise<T> {
  const { method = options.body === undefined ? 'GET' : 'POST', body, as = 'json' } = options;
  const isForm = typeof FormData !== 'undefined' && body instanceof FormData;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined || isForm ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : isForm ? (body as FormData) : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, NETWORK_ERROR);
  }
  // On the login page a 401 is the answer to a wrong password, not a missing session.
  if (res.status === 401 && window.location.pathname !== '/login') {
    window.location.assign(loginUrl());
    throw new ApiError(401, messageForStatus(401));
  }
  if (res.status === 204) return null as T;
  const isJson = (res.headers.get('content-type') ?? '').includes('json');
  if (!res.ok) throw errorFromResponse(res.status, isJson ? await res.json().catch(() => null) : null);
  if (as === 'blob') return (await res.blob()) as T;
  return (isJson ? await res.json() : await res.text()) as T;
}

/** Ends the session and shows the login page. */
export async function logout(): Promise<void> {
  await fetch('/api/auth/logout', { method: 'POST', credentials: 'same-origin' }).catch(() => undefined);
  window.location.assign('/login');
}

/** The message to show for any error caught in a page. */
export const errorText = (e: unknown): string =>
  e instanceof ApiError ? e.message : e instanceof Error && HAS_CHINESE.test(e.message) ? e.message : SERVER_ERROR;
