import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One school's part of a paper's stored analysis (its figures, and its classes' in `classes`), kept out of
 * exam_analysis.data so that no single value nears max_allowed_packet in a city-sized exam (domain/stored-analysis.ts).
 * Written and read only through ExamAnalysisRepository, together with the paper's exam_analysis row.
 */
@Entity('exam_school_analysis')
export class ExamSchoolAnalysis {
  @PrimaryColumn() examId: number;
  @PrimaryColumn() paperId: number;
  @PrimaryColumn() schoolId: number;
  /** Position of the school in the analysis's `schools`. */
  @Column() seq: number;
  /** JSON text of the school's figures without its classes. */
  @Column({ type: 'longtext' }) school: string;
  /** JSON text of the school's classes; null when the analysis gave none. */
  @Column({ type: 'longtext', nullable: true }) classes: string | null;
}
