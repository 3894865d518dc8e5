import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A student sitting an exam: the exam's own number (考号) and room and seat. The roster's student number (student.exam_no,
 * 学籍号/学号) is left as it is: imports and earlier exams match on it.
 */
@Entity('exam_candidate')
@Index('uq_exam_candidate_student', ['examId', 'studentId'], { unique: true })
@Index('uq_exam_candidate_number', ['examId', 'examNumber'], { unique: true })
@Index('ix_exam_candidate_room', ['roomId'])
export class ExamCandidate {
  @PrimaryGeneratedColumn() id: number;
  @Column() examId: number;
  @Column() studentId: number;
  @Column({ type: 'varchar', length: 12, nullable: true }) examNumber: string | null;
  @Column({ type: 'int', nullable: true }) roomId: number | null;
  @Column({ type: 'int', nullable: true }) seat: number | null;
  /** Seated in a special room (特殊考场/单独考场). */
  @Column({ default: false }) special: boolean;
}
