import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { unavailableOf } from './domain/unavailable.js';

/**
 * HTTP errors pass through with their (Chinese) message; MySQL or Redis away is a 503 with Retry-After naming it;
 * anything else unexpected is logged and answered with a generic 500.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(err: unknown, host: ArgumentsHost) {
    const res = host.switchToHttp().getResponse<Response>();
    if (err instanceof HttpException) {
      const body = err.getResponse();
      // A 429 or 503 that knows when to come back says so (Retry-After, in seconds).
      const retryAfter = (err as HttpException & { retryAfter?: number }).retryAfter;
      if (typeof retryAfter === 'number' && retryAfter > 0) res.setHeader('Retry-After', String(Math.ceil(retryAfter)));
      res
        .status(err.getStatus())
        .json(typeof body === 'string' ? { statusCode: err.getStatus(), message: body } : body);
      return;
    }
    const away = unavailableOf(err);
    if (away) {
      this.logger.warn(`${away.what} unavailable: ${(err as Error)?.message ?? String(err)}`);
      res.setHeader('Retry-After', String(away.retryAfterSeconds));
      res.status(503).json({ statusCode: 503, message: away.message, unavailable: away.what });
      return;
    }
    this.logger.error((err as Error)?.stack ?? String(err));
    res.status(500).json({ statusCode: 500, message: '服务器内部错误，请稍后重试或联系管理员' });
  }
}
