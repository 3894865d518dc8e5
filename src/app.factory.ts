import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { expressErrorHandler, HttpErrorFilter } from './common/http-error.filter.js';
import { apiNoStore, hsts, sameOriginWrites, securityHeaders } from './common/web-security.js';
import { checkServices } from './common/startup-checks.js';
import { httpMetrics } from './ops/http-metrics.js';
import { OpsMetrics } from './ops/ops-metrics.js';
import { serveOpenApi } from './ops/openapi.js';
import type { AppConfig } from './config/config.js';

/** Idle keep-alive connections are kept this long (longer than a load balancer's usual 60 s idle timeout). */
export const KEEP_ALIVE_MS = 65_000;

/** Builds the HTTP application (used by main.ts, the demo and the tests). */
export async function createApiApp(config: AppConfig, opts: { logger?: boolean } = {}): Promise<INestApplication> {
  await checkServices(config);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
    bodyParser: true,
    abortOnError: false,
  });
  // Nest's own messages go to the JSON log too (LOG_LEVEL; silent in tests unless set).
  if (opts.logger !== false) app.useLogger(app.get(Logger));
  else app.useLogger(false);
  app.use(httpMetrics(app.get(OpsMetrics)));
  // Behind a load balancer the client's address (used to throttle failed logins) comes from X-Forwarded-For.
  if (config.trustProxyHops > 0) app.set('trust proxy', config.trustProxyHops);
  app.use(cookieParser());
  app.disable('x-powered-by');
  app.use(securityHeaders());
  if (config.cookieSecure) app.use(hsts());
  app.use(apiNoStore());
  app.use(sameOriginWrites(config.publicOrigins));
  app.useBodyParser('json', { limit: '5mb' });
  // The body parser's errors (malformed JSON, too large) are answered before routing: in Chinese too.
  app.use(expressErrorHandler());
  app.useGlobalFilters(new HttpErrorFilter());
  app.enableShutdownHooks();
  await serveOpenApi(app);
  // Markers pause 5–15 s between answers: keep their connections (and a load balancer's, whose idle timeout is
  // typically 60 s) open longer than Node's 5 s default, so a submit does not wait for a new connection, and the
  // balancer never sends a request down a connection Node is closing (a 502).
  const server = app.getHttpServer() as { keepAliveTimeout: number; headersTimeout: number };
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;
  return app;
}
