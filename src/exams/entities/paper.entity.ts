import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { JsonColumn, ScoreColumn } from '../../database/columns.js';
import type { SheetLayout } from '../../sheets/domain/layout.js';

export enum PaperStatus {
  Draft = 'draft',
  InReview = 'in_review',
  Locked = 'locked',
}

@Entity('paper')
@Index(['examId', 'subject'], { unique: true })
export class Paper {
  @PrimaryGeneratedColumn() id: number;
  @Column() examId: number;
  @Column({ length: 40 }) subject: string;
  @Column({ length: 100 }) title: string;
  @ScoreColumn() fullMarks: number;
  @Column({ type: 'varchar', length: 16, default: PaperStatus.Draft }) status: PaperStatus;
  /** Answer-sheet layout: the single source of coordinates for printing and reading. Set when the sheet is generated. */
  @JsonColumn({ nullable: true }) layout: SheetLayout | null;
}
