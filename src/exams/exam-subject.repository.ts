import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { managerOf, type Tx } from '../database/unit-of-work.js';
import type { TimetableEntry } from './domain/timetable.js';
import { ExamSubject } from './entities/exam-subject.entity.js';

/** The exam_subject table: an exam's timetable. */
@Injectable()
export class ExamSubjectRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  async ofExam(examId: number): Promise<TimetableEntry[]> {
    const rows = await this.ds.getRepository(ExamSubject).find({ where: { examId }, order: { id: 'ASC' } });
    return rows.map((r) => ({ subject: r.subject, date: r.date, startTime: r.startTime, endTime: r.endTime }));
  }

  /** Replaces the exam's timetable with these entries. */
  async replace(tx: Tx, examId: number, entries: TimetableEntry[]): Promise<void> {
    const repo = managerOf(tx).getRepository(ExamSubject);
    await repo.delete({ examId });
    if (entries.length) await repo.insert(entries.map((e) => ({ examId, ...e })));
  }
}
