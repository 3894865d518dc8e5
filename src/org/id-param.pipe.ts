import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

/** Route ids: positive integers, refused in Chinese otherwise (Nest's ParseIntPipe answers in English). */
@Injectable()
export class IdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    const n = Number(value);
    if (!/^\d{1,10}$/.test(value ?? '') || !Number.isSafeInteger(n) || n <= 0)
      throw new BadRequestException(`编号“${value}”无效`);
    return n;
  }
}
