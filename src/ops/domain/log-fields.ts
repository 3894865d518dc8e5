// What a request's log line says of the request and its answer: enough to find it (id, method, URL, status, the
// caller's address and client) and never a secret. Written out field by field: pino's standard serializers copied
// every header into every line (a dozen security headers on each answer) and the redaction then cloned them again,
// a large part of what logging cost the marking API per request.

export const REDACTED = '[Redacted]';

type Headers = Record<string, string | string[] | number | undefined>;

/** Request headers a line carries as they came. */
const REQUEST_HEADERS = ['user-agent', 'x-forwarded-for', 'referer', 'content-length'] as const;
/** Request headers that carry a session: named (so a line shows one was sent), never their value. */
const REQUEST_SECRETS = ['authorization', 'cookie'] as const;
/** Answer headers a line carries; `set-cookie` (a session) only as REDACTED. */
const RESPONSE_HEADERS = ['content-length', 'location'] as const;
const RESPONSE_SECRETS = ['set-cookie'] as const;

export interface RequestLike {
  id?: unknown;
  method?: string;
  url?: string;
  headers?: Headers;
  remoteAddress?: string;
  remotePort?: number;
}

export interface ResponseLike {
  statusCode?: number | null;
  headers?: Headers | null;
}

export function requestLogFields(req: RequestLike) {
  return {
    id: req.id,
    method: req.method,
    url: req.url,
    headers: pick(req.headers, REQUEST_HEADERS, REQUEST_SECRETS),
    remoteAddress: req.remoteAddress,
    remotePort: req.remotePort,
  };
}

export function responseLogFields(res: ResponseLike) {
  return { statusCode: res.statusCode, headers: pick(res.headers, RESPONSE_HEADERS, RESPONSE_SECRETS) };
}

function pick(headers: Headers | null | undefined, keep: readonly string[], secret: readonly string[]): Headers {
  const out: Headers = {};
  if (!headers) return out;
  for (const name of keep) if (headers[name] !== undefined) out[name] = headers[name];
  for (const name of secret) if (headers[name] !== undefined) out[name] = REDACTED;
  return out;
}
