// Structured JSON logs (pino through nestjs-pino): one line per request with its id, and Nest's own messages in
// the same stream. A request keeps the X-Request-Id it came with (from a proxy) or gets a new one, which the answer
// carries back, so a user's report of a failure can be found in the logs.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { pino, type DestinationStream } from 'pino';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,100}$/;

export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

export const LoggingModule = LoggerModule.forRootAsync({
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => ({
    pinoHttp: withDestination(config, {
      level: config.logLevel,
      genReqId: requestId,
      // Sessions and passwords never reach a log line.
      redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
      // Pages' static files are many and say little; their failures are still logged.
      autoLogging: { ignore: (req: IncomingMessage) => (req.url ?? '').startsWith('/assets/') },
      customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    }),
  }),
});

/** Where the JSON lines go: LOG_FILE (appended) when set, else pino's default, stdout. */
export function logDestination(config: Pick<AppConfig, 'logFile'>) {
  return config.logFile ? pino.destination(config.logFile) : undefined;
}

function withDestination<T extends object>(config: Pick<AppConfig, 'logFile'>, options: T): T | [T, DestinationStream] {
  const destination = logDestination(config);
  return destination ? [options, destination] : options;
}
