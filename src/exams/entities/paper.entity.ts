import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { decimalTransformer, JsonColumn, ScoreColumn } from '../../database/columns.js';
import type { SheetLayout } from '../../sheets/domain/layout.js';

export enum PaperStatus {
  Draft = 'draft',
  InReview = 'in_review',
  Locked = 'locked',
}

@Entity('paper')
@Index('uq_paper_exam_subject_version', ['examId', 'subject', 'version'], { unique: true })
export class Paper {
  @PrimaryGeneratedColumn() id: number;
  @Column() examId: number;
  @Column({ length: 40 }) subject: string;
  @Column({ length: 100 }) title: string;
  @ScoreColumn() fullMarks: number;
  @Column({ type: 'varchar', length: 16, default: PaperStatus.Draft }) status: PaperStatus;
  /** Answer-sheet layout: the single source of coordinates for printing and reading. Set when the sheet is generated. */
  @JsonColumn({ nullable: true }) layout: SheetLayout | null;
  /** 1 for the first paper of a subject in an exam; a new version copies a locked paper into a new draft. */
  @Column({ default: 1 }) version: number;
  @Column({ type: 'int', nullable: true }) previousPaperId: number | null;
  /** The subject lead who submitted it for review: the approver must be someone else. */
  @Column({ type: 'int', nullable: true }) submittedBy: number | null;
  @Column({ type: 'int', nullable: true }) reviewedBy: number | null;
  /** The reviewer's comment on the last rejection (or approval). */
  @Column({ type: 'varchar', length: 500, nullable: true }) reviewComment: string | null;
  /** Blob key of the uploaded paper PDF (confidential until the exam's releaseAt). */
  @Column({ type: 'varchar', length: 200, nullable: true }) documentKey: string | null;
  @Column({ type: 'varchar', length: 200, nullable: true }) documentName: string | null;
  /**
   * 历史成绩导入: this subject's reliability as the admin stated it (0–1), with where it came from; null when not stated
   * for the subject (the exam's stated reliability then stands in, if any). Always null for scanned papers.
   */
  @Column({ type: 'decimal', precision: 4, scale: 3, nullable: true, transformer: decimalTransformer })
  statedReliability: number | null;
  @Column({ type: 'varchar', length: 200, nullable: true }) statedReliabilitySource: string | null;
}
