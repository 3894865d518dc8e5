import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The 考务 settings an exam's numbers and rooms were made with (JSON), and when. */
@Entity('exam_candidate_plan')
export class ExamCandidatePlan {
  @PrimaryColumn() examId: number;
  @Column({ type: 'text', nullable: true }) numberRule: string | null;
  @Column({ type: 'varchar', length: 8, nullable: true }) checkDigit: string | null;
  @Column({ type: 'datetime', nullable: true }) numberedAt: Date | null;
  @Column({ type: 'text', nullable: true }) seating: string | null;
  @Column({ type: 'datetime', nullable: true }) seatedAt: Date | null;
}
