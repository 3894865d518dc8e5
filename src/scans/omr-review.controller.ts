import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { Role } from '../common/role.js';
import { Actor } from '../common/actor.js';
import { CurrentActor, Roles } from '../common/roles.decorator.js';
import { IdPipe } from '../org/id-param.pipe.js';
import { OmrReviewService } from './omr-review.service.js';

@Controller('api')
export class OmrReviewController {
  constructor(@Inject(OmrReviewService) private readonly reviews: OmrReviewService) {}

  /** Objective items waiting for a person (status=open by default; resolved or all). */
  @Roles(Role.Scanner, Role.Admin)
  @Get('exams/:examId/omr-review')
  list(
    @CurrentActor() actor: Actor,
    @Param('examId', IdPipe) examId: number,
    @Query('schoolId') schoolId: string | undefined,
    @Query('status') status: string | undefined,
  ) {
    return this.reviews.list(actor, examId, schoolId, status);
  }

  @Roles(Role.Scanner, Role.Admin)
  @Get('omr-review/:id/crop')
  crop(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    return this.reviews.crop(actor, id);
  }

  /** `{ marked: 'B' }`, `'AC'` for several, `''` for blank. */
  @Roles(Role.Scanner, Role.Admin)
  @Post('omr-review/:id/resolve')
  @HttpCode(200)
  resolve(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @Body() body: { marked?: unknown } | undefined,
  ) {
    return this.reviews.resolve(actor, id, body);
  }
}
