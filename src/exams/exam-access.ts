import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { type Actor, assertScope } from '../common/actor.js';
import type { Tx } from '../database/unit-of-work.js';
import type { Exam } from './entities/exam.entity.js';
import { ExamRepository } from './exam.repository.js';

/** Who may act on an exam: a predicate on the actor's grants and the exam's alliance. */
export type ExamCheck = (actor: Actor, exam: Exam) => boolean;

export const examChecks = {
  /** Any role in the exam's alliance. */
  member: ((actor, exam) => actor.belongsTo(exam.allianceId)) as ExamCheck,
  /** The alliance's admin. */
  admin: ((actor, exam) => actor.isAdminOf(exam.allianceId)) as ExamCheck,
};

/** "The exam, in the actor's scope, or 404": the one place every feature asks it. */
@Injectable()
export class ExamAccess {
  constructor(@Inject(ExamRepository) private readonly exams: ExamRepository) {}

  /** The exam, or 404 考试不存在 (for jobs and checks that are not an actor's); inside `tx` when one is given. */
  async get(examId: number, tx?: Tx): Promise<Exam> {
    const exam = await this.exams.findById(examId, tx);
    if (!exam) throw new NotFoundException('考试不存在');
    return exam;
  }

  /** The exam if `may` lets the actor at it (403 with `message` otherwise); 404 when there is none. */
  async forActor(
    actor: Actor,
    examId: number,
    may: ExamCheck = examChecks.member,
    message = '无权访问该考试',
  ): Promise<Exam> {
    const exam = await this.get(examId);
    assertScope(may(actor, exam), message);
    return exam;
  }
}
