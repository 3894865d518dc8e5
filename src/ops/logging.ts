// Structured JSON logs (pino through nestjs-pino): one line per request with its id, and Nest's own messages in
// the same stream. A request keeps the X-Request-Id it came with (from a proxy) or gets a new one, which the answer
// carries back, so a user's report of a failure can be found in the logs.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { pino, type DestinationStream } from 'pino';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { requestLogFields, responseLogFields } from './domain/log-fields.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,100}$/;

export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

export const LoggingModule = LoggerModule.forRootAsync({
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => ({ pinoHttp: withDestination(config, requestLogging(config)) }),
});

/** pino-http's options of the API (exported for bench:request-logging, which measures what they cost). */
export function requestLogging(config: Pick<AppConfig, 'logLevel'>) {
  return {
    level: config.logLevel,
    genReqId: requestId,
    // A few fields of the request and its answer, written out: sessions and passwords never reach a log line
    // (log-fields.ts names a session header, never its value), and no redaction has to clone every header.
    serializers: { req: requestLogFields, res: responseLogFields },
    // Pages' static files are many and say little; their failures are still logged.
    autoLogging: { ignore: (req: IncomingMessage) => (req.url ?? '').startsWith('/assets/') },
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
  };
}

/**
 * Lines are gathered up to this many bytes (or LOG_FLUSH_MS) before one write: at city load the API logs ~1,000
 * requests a second, and a write per line (a libuv request and its callback on the API's thread) cost more than
 * writing the line itself.
 */
const LOG_BUFFER_BYTES = 4096;
/** A quiet process's lines are written within this long. */
const LOG_FLUSH_MS = 500;

/**
 * Where the JSON lines go: LOG_FILE (appended) when set, else stdout; written asynchronously in batches (see
 * LOG_BUFFER_BYTES), and flushed when the process exits (pino does that on the main thread). A process killed with
 * SIGKILL loses at most its last LOG_FLUSH_MS of lines.
 */
export function logDestination(config: Pick<AppConfig, 'logFile'>): DestinationStream {
  return pino.destination({
    dest: config.logFile ?? 1,
    sync: false,
    minLength: LOG_BUFFER_BYTES,
    periodicFlush: LOG_FLUSH_MS,
  });
}

function withDestination<T extends object>(config: AppConfig, options: T): T | [T, DestinationStream] {
  return config.logLevel === 'silent' ? options : [options, logDestination(config)];
}
