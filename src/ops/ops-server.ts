import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { OpsMetrics } from './ops-metrics.js';

export interface OpsServerOptions {
  port: number;
  host: string;
  /** When set, every request carries `Authorization: Bearer <token>`. */
  token: string | null;
  metrics: OpsMetrics;
  /** The queue dashboard (API process only), mounted at /queues. */
  board?: (basePath: string) => Router;
}

/**
 * The operators' port: /metrics for Prometheus and /queues (bull-board) for the county's IT staff. It spans every
 * alliance, so it is never on the pages' port: it listens on OPS_HOST (loopback by default) and, with OPS_TOKEN,
 * asks for that token too.
 */
export async function startOpsServer(opts: OpsServerOptions): Promise<{ server: Server; port: number }> {
  const app = express();
  app.disable('x-powered-by');
  if (opts.token) app.use(requireToken(opts.token));
  app.get('/metrics', async (_req, res, next) => {
    try {
      const { contentType, body } = await opts.metrics.exposition();
      res.type(contentType).send(body);
    } catch (err) {
      next(err);
    }
  });
  if (opts.board) app.use('/queues', opts.board('/queues'));
  app.get('/', (_req, res) =>
    res.type('text/plain; charset=utf-8').send('tongkao 运维端口：/metrics 指标，/queues 任务队列\n'),
  );
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : opts.port };
}

function requireToken(token: string) {
  // Compared as digests in constant time: the answer's timing says nothing of how much of a guess was right.
  const digest = (s: string) => createHash('sha256').update(s).digest();
  const expected = digest(`Bearer ${token}`);
  return (req: Request, res: Response, next: NextFunction) => {
    if (timingSafeEqual(digest(req.headers.authorization ?? ''), expected)) return next();
    res.status(401).type('text/plain; charset=utf-8').send('需要运维令牌（Authorization: Bearer OPS_TOKEN）\n');
  };
}
