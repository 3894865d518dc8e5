import {
  BadRequestException,
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { catchError, Observable, throwError } from 'rxjs';

export const UPLOAD_MAX_BYTES = 10 * 1024 * 1024;

/** Put before FileInterceptor: multer's errors reach the teacher in Chinese instead of "File too large". */
@Injectable()
export class UploadErrorsInterceptor implements NestInterceptor {
  intercept(_ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((err) => {
        const code = (err as { cause?: { code?: string } })?.cause?.code;
        if (err instanceof PayloadTooLargeException)
          return throwError(() => new PayloadTooLargeException(`文件过大，最多 ${UPLOAD_MAX_BYTES / 1024 / 1024} MB`));
        if (err instanceof UnsupportedMediaTypeException)
          return throwError(() => new UnsupportedMediaTypeException('请以 multipart/form-data 表单上传文件'));
        if (
          err instanceof BadRequestException &&
          typeof code === 'string' &&
          /^(LIMIT_|MISSING_FIELD|INVALID_FIELD)/.test(code)
        ) {
          return throwError(() => new BadRequestException('请用表单字段 file 上传一个文件'));
        }
        if (err instanceof BadRequestException && /^(Multipart|Boundary)/i.test(String(err.message)))
          return throwError(() => new BadRequestException('上传的表单数据不完整，请重新上传'));
        return throwError(() => err);
      }),
    );
  }
}
