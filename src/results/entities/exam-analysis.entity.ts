import { Column, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { JsonColumn } from '../../database/columns.js';

/** The persisted analysis of an exam (per unit figures), so pages and reports read it without recomputing. */
@Entity('exam_analysis')
@Index(['examId', 'paperId'], { unique: true })
export class ExamAnalysis {
  @PrimaryGeneratedColumn() id: number;
  @Column() examId: number;
  @Column() paperId: number;
  @JsonColumn() data: unknown;
  /** The exam's score version the analysis was computed from. */
  @Column({ default: 0 }) scoreVersion: number;
  @UpdateDateColumn() computedAt: Date;
}
