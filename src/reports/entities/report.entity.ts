import { Column, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { JsonColumn } from '../../database/columns.js';

export enum ReportStatus {
  Queued = 'queued',
  Ready = 'ready',
  Failed = 'failed',
}

/** One diagnostic PDF per exam and school. */
@Entity('report')
@Index(['examId', 'schoolId'], { unique: true })
export class Report {
  @PrimaryGeneratedColumn() id: number;
  @Column() examId: number;
  @Column() schoolId: number;
  @Column({ type: 'varchar', length: 12, default: ReportStatus.Queued }) status: ReportStatus;
  @Column({ type: 'varchar', length: 200, nullable: true }) blobKey: string | null;
  @Column({ type: 'varchar', length: 300, nullable: true }) error: string | null;
  /** suggestion_version ids the PDF printed under its levers (null before the library existed or when none fit). */
  @JsonColumn({ nullable: true }) suggestionVersions: number[] | null;
  /** The score version of the results the stored PDF was drawn from (null: none yet, or from before it was kept). */
  @Column({ type: 'int', nullable: true }) scoreVersion: number | null;
  @UpdateDateColumn() updatedAt: Date;
}
