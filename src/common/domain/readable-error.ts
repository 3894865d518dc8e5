// Every error a person may read is Chinese: a message the code wrote in Chinese passes as it is; the framework's and
// the body parser's English ("Cannot GET /x", "Unexpected token } in JSON", "request entity too large") become a
// Chinese sentence for their status. Pure: status, message and the parser's error type in, the message out.

const HAS_CHINESE = /[\u3400-\u9fff]/;

/** What a request was, as far as the answer depends on it. */
export interface ErrorContext {
  status: number;
  /** The message the exception carried (string, or the first of a list). */
  message?: unknown;
  /** The body parser's error type (http-errors `type`), e.g. entity.parse.failed. */
  parserType?: string;
  /** The route was not found at all (Nest's "Cannot GET /path"). */
  noRoute?: boolean;
  /** The request's path starts with /api/. */
  api?: boolean;
}

const BY_STATUS: Record<number, string> = {
  400: '提交的内容有误，请检查后重试',
  401: '请先登录',
  403: '没有权限进行此操作',
  404: '要找的内容不存在或已被删除',
  405: '不支持这种请求方式',
  408: '请求超时，请重试',
  409: '数据已被他人修改，请刷新页面后重试',
  413: '提交的内容太大',
  415: '不支持的内容类型',
  422: '提交的内容有误，请检查后重试',
  429: '操作过于频繁，请稍后再试',
  500: '服务器内部错误，请稍后重试或联系管理员',
  503: '服务暂时不可用，请稍后重试',
};

const PARSER: Record<string, string> = {
  'entity.parse.failed': '提交的内容不是有效的 JSON 格式',
  'entity.too.large': '提交的内容太大（超过 5 MB），请减少内容或分批提交',
  'encoding.unsupported': '不支持的字符编码，请使用 UTF-8',
  'charset.unsupported': '不支持的字符编码，请使用 UTF-8',
  'request.aborted': '请求已中断，请重试',
  'request.size.invalid': '请求内容不完整，请重试',
};

export function readableError(c: ErrorContext): string {
  if (c.noRoute) return c.api ? '请求的接口不存在，请检查地址' : '页面不存在，请检查地址或返回首页';
  if (c.parserType && PARSER[c.parserType]) return PARSER[c.parserType];
  const m = Array.isArray(c.message) ? c.message[0] : c.message;
  if (typeof m === 'string' && HAS_CHINESE.test(m)) return m;
  return BY_STATUS[c.status] ?? (c.status >= 500 ? BY_STATUS[500] : `请求失败（状态 ${c.status}）`);
}

/** Nest's answer when no route matches: "Cannot GET /schools". */
export const isNoRouteMessage = (m: unknown): boolean => typeof m === 'string' && /^Cannot [A-Z]+ \//.test(m);
