import { Column, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

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
  @UpdateDateColumn() updatedAt: Date;
}
