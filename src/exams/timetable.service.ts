import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { AuditLogRepository } from '../common/audit-log.repository.js';
import { UnitOfWork } from '../database/unit-of-work.js';
import { checkTimetable } from './domain/timetable.js';
import { ExamAccess, examChecks } from './exam-access.js';
import { ExamSubjectRepository } from './exam-subject.repository.js';

/** An exam's subjects and when each is sat (科目安排): read by every member, set by the admin. */
@Injectable()
export class TimetableService {
  constructor(
    @Inject(UnitOfWork) private readonly uow: UnitOfWork,
    @Inject(ExamAccess) private readonly exams: ExamAccess,
    @Inject(ExamSubjectRepository) private readonly subjects: ExamSubjectRepository,
    @Inject(AuditLogRepository) private readonly audit: AuditLogRepository,
  ) {}

  async of(actor: Actor, examId: number) {
    await this.exams.forActor(actor, examId, examChecks.member);
    return { examId, subjects: await this.subjects.ofExam(examId) };
  }

  /** PUT /api/exams/:id/subjects { subjects: [{ subject, date, startTime, endTime }] }: the whole timetable. */
  async replace(actor: Actor, examId: number, body: { subjects?: unknown } | undefined) {
    await this.exams.forActor(actor, examId, examChecks.admin, '只有本联盟管理员可以设置科目安排');
    const check = checkTimetable(body?.subjects);
    if (!check.ok)
      throw new BadRequestException({ statusCode: 400, message: check.errors.join('；'), errors: check.errors });
    await this.uow.runOrm(async (tx) => {
      await this.subjects.replace(tx, examId, check.entries);
      await this.audit.record(
        {
          userId: actor.userId,
          action: 'set_timetable',
          entity: 'exam',
          entityId: String(examId),
          detail: check.entries,
        },
        tx,
      );
    });
    return { examId, subjects: check.entries };
  }
}
