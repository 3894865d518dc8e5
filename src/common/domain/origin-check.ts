// Cross-site request forgery, decided from the request's headers alone (pure: plain strings in, a verdict out).
//
// The session cookie is SameSite=Lax, which a page on another port of the same host (another app on the school
// server) passes: the browser counts it as the same site. So every write must also come from this origin: scheme,
// host and port. Browsers send Origin on every cross-origin write and on same-origin fetch/XHR writes; when it is
// absent (an old browser's same-origin form, a script with a bearer token, curl) the Referer is checked instead,
// and a request with neither comes from no page at all, so no page can have forged it.

export const UNSAFE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface OriginFacts {
  method: string;
  /** The Origin header, if any ('null' for opaque origins such as sandboxed frames or file: pages). */
  origin?: string;
  referer?: string;
  /** This server's own origins as the client reached it: `${protocol}://${host}` (host with port). */
  selfOrigins: readonly string[];
}

export type OriginVerdict = { ok: true } | { ok: false; reason: string };

/** `https://a.example:8443/path?q` → `https://a.example:8443`; null when not a URL. Default ports are dropped. */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    return u.origin;
  } catch {
    return null;
  }
}

export function checkWriteOrigin(f: OriginFacts): OriginVerdict {
  if (!UNSAFE_METHODS.has(f.method.toUpperCase())) return { ok: true };
  const own = new Set(f.selfOrigins.map((o) => originOf(o)).filter((o): o is string => o !== null));
  const claimed = f.origin !== undefined ? f.origin : f.referer !== undefined ? originOf(f.referer) : undefined;
  if (claimed === undefined) return { ok: true };
  if (claimed !== null && claimed !== 'null' && own.has(originOf(claimed) ?? '')) return { ok: true };
  return { ok: false, reason: `请求来源 ${claimed ?? '（无法识别）'} 不是本系统的页面，已拒绝（防止跨站请求伪造）` };
}
