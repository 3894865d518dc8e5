// The rule of domain/exam-disclosure.ts at the edge: @Discloses(views) on every route that serves results, exports or
// reports (test/integration/disclosure-routes.test.ts enumerates the routes and fails on one without it). The guard
// refuses the request unless one of the actor's roles in the exam's alliance may see one of the route's views, and
// hands the service the decision (which it also asks itself: disclosureFor).
import {
  applyDecorators,
  BadRequestException,
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Actor } from '../common/actor.js';
import {
  bandsOf,
  type ExamLevel,
  gradeBand,
  levelOf,
  mayAny,
  type Reader,
  readersOf,
  refusal,
  type View,
} from './domain/exam-disclosure.js';
import type { Exam } from './entities/exam.entity.js';
import { ExamAccess } from './exam-access.js';

export const DISCLOSES_KEY = 'tongkao:discloses';

export interface DisclosesMeta {
  /** The route serves one of these views (at least one must be allowed). */
  views: View[];
  /** The route parameter holding the exam id. */
  examParam: string;
}

/** What one actor may see of one exam's results. */
export class Disclosure {
  readonly level: ExamLevel;
  readonly readers: Reader[];

  constructor(
    readonly exam: Exam,
    actor: Actor,
  ) {
    this.level = levelOf(exam);
    this.readers = readersOf(actor.grants, exam.allianceId);
  }

  may(view: View): boolean {
    return mayAny(this.readers, this.level, view);
  }

  /** 403 in Chinese unless one of the views is allowed. */
  assertAny(views: readonly View[]): void {
    if (!views.some((v) => this.may(v))) throw new ForbiddenException(refusal(this.level, views));
  }

  /** The 等级 of a total on a paper of the exam (by the exam's cut-offs). */
  bandOf(total: number | null, fullMarks: number): string | null {
    return gradeBand(total, fullMarks, this.exam.gradeBandCutoffs);
  }

  bands() {
    return bandsOf(this.exam.gradeBandCutoffs);
  }
}

/** The explicit call services make: what this actor may see of this exam. */
export const disclosureFor = (actor: Actor, exam: Exam) => new Disclosure(exam, actor);

@Injectable()
export class DisclosureGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(ExamAccess) private readonly exams: ExamAccess,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const meta = this.reflector.get<DisclosesMeta | undefined>(DISCLOSES_KEY, ctx.getHandler());
    if (!meta?.views.length) throw new ForbiddenException('该接口未声明成绩查看规则');
    const req = ctx
      .switchToHttp()
      .getRequest<{ actor?: Actor; params: Record<string, string>; disclosure?: unknown }>();
    if (!req.actor) throw new UnauthorizedException('请先登录');
    const raw = req.params[meta.examParam];
    const id = Number(raw);
    if (!/^\d{1,10}$/.test(raw ?? '') || !Number.isSafeInteger(id) || id <= 0)
      throw new BadRequestException('编号格式不正确，应为正整数');
    const d = disclosureFor(req.actor, await this.exams.get(id));
    d.assertAny(meta.views);
    req.disclosure = d;
    return true;
  }
}

/**
 * Marks a route as serving results of the exam in `examParam` and enforces the rule on it: the actor must hold a role
 * in the exam's alliance that may see at least one of `views` for this exam's kind and grade.
 */
export function Discloses(views: View[], examParam = 'id') {
  return applyDecorators(
    SetMetadata(DISCLOSES_KEY, { views, examParam } satisfies DisclosesMeta),
    UseGuards(DisclosureGuard),
  );
}
