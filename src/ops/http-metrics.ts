import type { NextFunction, Request, Response } from 'express';
import { markKind } from './domain/mark-routes.js';
import type { OpsMetrics } from './ops-metrics.js';

/**
 * Times every request and records it under its route pattern ("/api/marking/tasks/:taskId/submit"), so that
 * cardinality stays that of the routes, not of the URLs; requests no route matched (pages' assets, 404s) are
 * recorded as "unmatched".
 */
export function httpMetrics(metrics: OpsMetrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    const end = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const pattern = (req.route as { path?: string } | undefined)?.path;
      const route = pattern ? `${req.baseUrl ?? ''}${pattern}` : 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
      const kind = markKind(req.method, route, res.statusCode);
      if (kind) metrics.marks.inc({ kind });
    });
    next();
  };
}
