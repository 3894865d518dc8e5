// The HTTP hardening every response gets: security headers (helmet, with a CSP the pages' build satisfies),
// `no-store` on the API's answers (personal data: students, scores, scans, reports), and the same-origin rule
// for writes (CSRF, see domain/origin-check.ts).
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { checkWriteOrigin } from './domain/origin-check.js';

/**
 * The pages are a Vite build: scripts and styles from our own origin only. Element Plus and ECharts set style
 * attributes at run time ('unsafe-inline' for styles only, never for scripts); scan images and chart exports use
 * blob: and data: URLs.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // No framing (clickjacking of the marker page), no referrer leaking snippet tokens to other sites.
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    // HSTS only where the deployment says it runs on HTTPS (COOKIE_SECURE), so a plain-HTTP school server keeps working.
    strictTransportSecurity: false,
    crossOriginEmbedderPolicy: false,
  });
}

/** Answers of the JSON API carry personal data: no cache keeps them. A route that sets its own header keeps it. */
export function apiNoStore(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.path.startsWith('/api/')) res.setHeader('Cache-Control', 'private, no-store');
    next();
  };
}

/** Refuses a write whose Origin (or Referer) is not this server's own origin or one of `publicOrigins`. */
export function sameOriginWrites(publicOrigins: readonly string[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const host = req.get('host');
    const selfOrigins = host ? [`${req.protocol}://${host}`, ...publicOrigins] : [...publicOrigins];
    const verdict = checkWriteOrigin({
      method: req.method,
      origin: req.get('origin'),
      referer: req.get('referer'),
      selfOrigins,
    });
    if (verdict.ok) return next();
    // Answered here: errors of plain middleware do not reach the Nest filter that shapes the API's errors.
    res.status(403).json({ statusCode: 403, message: verdict.reason, error: 'Forbidden' });
  };
}

/** Strict-Transport-Security, for deployments on HTTPS (COOKIE_SECURE=true). */
export function hsts(): RequestHandler {
  return helmet.strictTransportSecurity({ maxAge: 180 * 24 * 3600 });
}
