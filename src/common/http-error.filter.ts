import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { isNoRouteMessage, readableError } from './domain/readable-error.js';
import { unavailableOf } from './domain/unavailable.js';
import { NOT_FOUND_HTML } from './not-found-page.js';

/** A browser asking for a page (not a script's fetch, not an API client). */
const wantsHtml = (req: Request) => !req.path.startsWith('/api/') && (req.get('accept') ?? '').includes('text/html');

/** An error of the body parser (http-errors): a status and a type such as entity.parse.failed. */
interface ParserError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}

/**
 * Every error answer is Chinese (domain/readable-error.ts). HTTP errors keep their own Chinese message and extra fields
 * (a list of bad rows); English ones from the framework get a Chinese sentence; an unknown page is a Chinese HTML page
 * for a browser; MySQL or Redis away is a 503 with Retry-After naming it; anything else is logged and a generic 500.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(err: unknown, host: ArgumentsHost) {
    const http = host.switchToHttp();
    answerError(err, http.getRequest<Request>(), http.getResponse<Response>(), this.logger);
  }
}

/** The same answers for errors raised before Nest's routing (the body parser): an Express error handler. */
export function expressErrorHandler(): (err: unknown, req: Request, res: Response, next: NextFunction) => void {
  const logger = new Logger('HttpError');
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    answerError(err, req, res, logger);
  };
}

function answerError(err: unknown, req: Request, res: Response, logger: Logger): void {
  const api = req.path.startsWith('/api/');
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const raw = err.getResponse();
    const body: Record<string, unknown> =
      typeof raw === 'string' ? { statusCode: status, message: raw } : { ...(raw as object) };
    const noRoute = status === 404 && isNoRouteMessage(body.message);
    if (noRoute && wantsHtml(req)) {
      res.status(404).type('html').setHeader('Cache-Control', 'no-cache');
      res.send(NOT_FOUND_HTML);
      return;
    }
    // A 429 or 503 that knows when to come back says so (Retry-After, in seconds).
    const retryAfter = (err as HttpException & { retryAfter?: number }).retryAfter;
    if (typeof retryAfter === 'number' && retryAfter > 0) res.setHeader('Retry-After', String(Math.ceil(retryAfter)));
    body.statusCode = status;
    body.message = readableError({ status, message: body.message, noRoute, api });
    res.status(status).json(body);
    return;
  }
  const parser = err as ParserError;
  const parserStatus = parser?.status ?? parser?.statusCode;
  if (
    typeof parser?.type === 'string' &&
    typeof parserStatus === 'number' &&
    parserStatus >= 400 &&
    parserStatus < 500
  ) {
    res
      .status(parserStatus)
      .json({ statusCode: parserStatus, message: readableError({ status: parserStatus, parserType: parser.type }) });
    return;
  }
  const away = unavailableOf(err);
  if (away) {
    logger.warn(`${away.what} unavailable: ${(err as Error)?.message ?? String(err)}`);
    res.setHeader('Retry-After', String(away.retryAfterSeconds));
    res.status(503).json({ statusCode: 503, message: away.message, unavailable: away.what });
    return;
  }
  logger.error((err as Error)?.stack ?? String(err));
  res.status(500).json({ statusCode: 500, message: readableError({ status: 500 }) });
}
