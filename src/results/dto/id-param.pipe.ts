import { BadRequestException, ParseIntPipe } from '@nestjs/common';

/** Route ids are positive integers; anything else is a 400 in Chinese. */
export const IdParam = new ParseIntPipe({
  exceptionFactory: () => new BadRequestException('编号格式不正确，应为正整数'),
});
