// Marking progress of an exam, item by item, for the markers and leads of its subjects.
import { Inject, Injectable } from '@nestjs/common';
import { Actor, assertScope } from '../common/actor.js';
import { Role } from '../common/role.js';
import type { Exam } from '../exams/entities/exam.entity.js';
import { ExamAccess } from '../exams/exam-access.js';
import { requiredId } from './dto/marking.dto.js';
import { leadSubjects } from './lead-scope.js';
import { MarkingOverviewRepository, type ProgressRow } from './marking-overview.repository.js';

const num = (v: unknown) => Number(v ?? 0);

/** One item's progress. */
export interface ItemProgress {
  itemId: number;
  label: string;
  subject: string;
  maxScore: number;
  markingMode: string;
  snippets: number;
  final: number;
  awaitingLead: number;
  tasks: { pending: number; leased: number; done: number };
  mine: number;
}

@Injectable()
export class MarkingProgressService {
  constructor(
    @Inject(MarkingOverviewRepository) private readonly overview: MarkingOverviewRepository,
    @Inject(ExamAccess) private readonly exams: ExamAccess,
  ) {}

  /** The clock, in one place (a lease counts as open until it expires). */
  protected now(): Date {
    return new Date();
  }

  async progress(actor: Actor, examIdRaw: unknown) {
    return this.progressOf(actor, await this.exams.get(requiredId(examIdRaw, '考试')));
  }

  async progressOf(actor: Actor, exam: Exam) {
    // Which subjects the caller may watch: all for the alliance's admin, else its lead and marker subjects.
    let subjects: string[] | 'all' | null = leadSubjects(actor, exam.allianceId);
    if (subjects !== 'all') {
      for (const g of actor.grants.filter((g) => g.role === Role.Marker && g.allianceId === exam.allianceId)) {
        if (g.subject === null) subjects = 'all';
        else if (subjects !== 'all') subjects = [...(subjects ?? []), g.subject];
      }
    }
    assertScope(subjects !== null, '无权查看该考试的阅卷进度');
    const rows = await this.overview.progress(exam.id, subjects!, actor.userId, this.now());
    const items = rows.map(itemProgress);
    return {
      examId: exam.id,
      examName: exam.name,
      items,
      mine: items.reduce((s, i) => s + i.mine, 0),
    };
  }
}

function itemProgress(r: ProgressRow): ItemProgress {
  return {
    itemId: num(r.id),
    label: String(r.label),
    subject: String(r.subject),
    maxScore: num(r.max_score),
    markingMode: String(r.marking_mode),
    snippets: num(r.snippets),
    final: num(r.finals),
    awaitingLead: num(r.awaiting_lead),
    tasks: { pending: num(r.pending), leased: num(r.leased), done: num(r.done) },
    mine: num(r.mine),
  };
}
