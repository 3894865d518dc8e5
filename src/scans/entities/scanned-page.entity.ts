import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { JsonColumn } from '../../database/columns.js';

export enum PageStatus {
  Queued = 'queued',
  Processed = 'processed',
  Exception = 'exception',
  /** A blank page (the back of a sheet scanned duplex): recognised and left out, not an exception. */
  Skipped = 'skipped',
  /** Set aside by a person (a stray or spoilt image): kept on disk, read by nothing, restorable. */
  Discarded = 'discarded',
}

/** One uploaded page image. The same image uploaded twice for an exam is one row (content hash). */
@Entity('scanned_page')
@Index(['examId', 'contentHash'], { unique: true })
// The results job's read of who has pages of a paper: one range scan of the index alone (migration 1766900000000).
@Index('idx_scanned_page_results', ['examId', 'paperId', 'studentId', 'status'])
export class ScannedPage {
  @PrimaryGeneratedColumn() id: number;
  @Column() examId: number;
  @Column() batchId: number;
  @Column() schoolId: number;
  @Column({ type: 'int', nullable: true }) paperId: number | null;
  @Column({ length: 64 }) contentHash: string;
  @Column({ length: 200 }) blobKey: string;
  /**
   * A reduced JPEG of the page straightened into its sheet's frame (layout points × a fixed scale), stored at ingest
   * for the student notices; null for pages read before it existed (a notice renders those from blobKey).
   */
  @Column({ type: 'varchar', length: 200, nullable: true }) reducedBlobKey: string | null;
  @Column({ length: 200, default: '' }) originalName: string;
  @Column({ type: 'varchar', length: 16, default: PageStatus.Queued }) status: PageStatus;
  /** Why the page could not be read, in Chinese for the scanner who fixes it. */
  @Column({ type: 'varchar', length: 300, nullable: true }) exceptionReason: string | null;
  @Column({ type: 'varchar', length: 40, nullable: true }) exceptionCode: string | null;
  @Index() @Column({ type: 'int', nullable: true }) studentId: number | null;
  @Column({ type: 'varchar', length: 20, nullable: true }) examNoRead: string | null;
  @Column({ type: 'smallint', nullable: true }) pageNo: number | null;
  /** The student a person assigned the page to: ingestion takes it instead of the exam number or the page before. */
  @Column({ type: 'int', nullable: true }) forcedStudentId: number | null;
  /** Clockwise quarter turns (0, 90, 180, 270) a person asked for: applied to the image before it is read. */
  @Column({ type: 'smallint', default: 0 }) rotation: number;
  /** Alignment found by ingestion (transform, residual), kept for diagnosis. */
  @JsonColumn({ nullable: true }) alignment: unknown;
  /** Still inside the multi-page TIFF `blobKey` (its 0-based page): the worker takes it out when it reads it. */
  @Column({ type: 'int', nullable: true }) sourcePage: number | null;
  @CreateDateColumn() createdAt: Date;
  @UpdateDateColumn() updatedAt: Date;
}
