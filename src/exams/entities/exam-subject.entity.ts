import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One subject of an exam's timetable (科目安排): when it is sat. */
@Entity('exam_subject')
@Index('uq_exam_subject', ['examId', 'subject'], { unique: true })
export class ExamSubject {
  @PrimaryGeneratedColumn() id: number;
  @Column() examId: number;
  @Column({ length: 40 }) subject: string;
  @Column({ type: 'date', nullable: true }) date: string | null;
  /** HH:MM, Beijing time. */
  @Column({ type: 'char', length: 5, nullable: true }) startTime: string | null;
  @Column({ type: 'char', length: 5, nullable: true }) endTime: string | null;
}
