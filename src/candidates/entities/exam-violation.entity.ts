import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** 违纪: an invigilator's record of a student's misconduct in a paper (who recorded it and when; also in the audit log). */
@Entity('exam_violation')
@Index('ix_exam_violation_exam', ['examId', 'studentId'])
export class ExamViolation {
  @PrimaryGeneratedColumn() id: number;
  @Column() examId: number;
  @Column() paperId: number;
  @Column() studentId: number;
  @Column({ type: 'int', nullable: true }) roomId: number | null;
  @Column({ length: 20 }) kind: string;
  @Column({ length: 300, default: '' }) note: string;
  @Column() recordedBy: number;
  @CreateDateColumn() createdAt: Date;
}
