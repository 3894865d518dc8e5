// The admin's (and subject lead's) watch over marking of an exam: per subject and item, answers with a final score,
// rounds waiting, answers waiting for the lead (仲裁/问题卷), the pace per hour and the time left.
import { Inject, Injectable } from '@nestjs/common';
import { Actor, assertScope } from '../common/actor.js';
import { ExamAccess } from '../exams/exam-access.js';
import { itemPace, type ItemPace, MONITOR_WINDOW_MINUTES, subjectPaces } from './domain/marking-monitor.js';
import { requiredId } from './dto/marking.dto.js';
import { leadSubjects } from './lead-scope.js';
import { MarkEventRepository } from './mark-event.repository.js';
import { MarkingProgressService } from './marking-progress.service.js';
import { MarkingSetupRepository } from './marking-setup.repository.js';

@Injectable()
export class MarkingMonitorService {
  constructor(
    @Inject(ExamAccess) private readonly exams: ExamAccess,
    @Inject(MarkingProgressService) private readonly progress: MarkingProgressService,
    @Inject(MarkEventRepository) private readonly events: MarkEventRepository,
    @Inject(MarkingSetupRepository) private readonly setup: MarkingSetupRepository,
  ) {}

  protected now(): Date {
    return new Date();
  }

  async monitor(actor: Actor, examIdRaw: unknown) {
    const exam = await this.exams.get(requiredId(examIdRaw, '考试'));
    const leadOf = leadSubjects(actor, exam.allianceId);
    assertScope(leadOf !== null, '只有联盟管理员或学科组长可以查看阅卷进度');
    const p = await this.progress.progressOf(actor, exam);
    const since = new Date(this.now().getTime() - MONITOR_WINDOW_MINUTES * 60_000);
    const assigned = await this.setup.assignmentsOfExam(exam.id);
    const items = [];
    for (const it of p.items.filter((i) => leadOf === 'all' || leadOf!.includes(i.subject))) {
      const pace: ItemPace = {
        itemId: it.itemId,
        subject: it.subject,
        answers: it.snippets,
        final: it.final,
        awaitingLead: it.awaitingLead,
        open: it.tasks.pending + it.tasks.leased,
        recentMarks: await this.events.liveSince(it.itemId, since),
      };
      items.push({
        ...pace,
        label: it.label,
        markingMode: it.markingMode,
        markers: assigned.filter((a) => a.itemId === it.itemId).length,
        ...itemPace(pace),
      });
    }
    const subjects = subjectPaces(items);
    return {
      examId: exam.id,
      examName: exam.name,
      windowMinutes: MONITOR_WINDOW_MINUTES,
      subjects,
      items,
      minutesLeft: subjects.some((s) => s.minutesLeft === null)
        ? null
        : subjects.reduce((m, s) => Math.max(m, s.minutesLeft ?? 0), 0),
    };
  }
}
