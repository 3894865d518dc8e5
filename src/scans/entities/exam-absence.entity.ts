import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** 缺考 confirmed by the scanner of the student's school: the student did not sit this paper. */
@Entity('exam_absence')
@Index('uq_exam_absence_paper_student', ['paperId', 'studentId'], { unique: true })
@Index('idx_exam_absence_exam_school', ['examId', 'schoolId'])
export class ExamAbsence {
  @PrimaryGeneratedColumn() id: number;
  @Column() examId: number;
  @Column() paperId: number;
  @Column() schoolId: number;
  @Column() studentId: number;
  @Column() markedBy: number;
  @CreateDateColumn({ precision: 3, default: () => 'CURRENT_TIMESTAMP(3)' }) markedAt: Date;
}
