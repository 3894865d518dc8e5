import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { decimalTransformer, JsonColumn } from '../../database/columns.js';

export enum OmrReviewStatus {
  Open = 'open',
  Resolved = 'resolved',
}

/** An objective item the scan could not decide with confidence: not scored until a person says what is marked. */
@Entity('omr_review')
@Index(['studentId', 'itemId'], { unique: true })
@Index(['examId', 'schoolId', 'status'])
export class OmrReview {
  @PrimaryGeneratedColumn() id: number;
  @Column() examId: number;
  @Column() schoolId: number;
  @Column() pageId: number;
  @Column() studentId: number;
  @Column() itemId: number;
  /** Option letters in print order, e.g. "ABCD". */
  @Column({ length: 20 }) options: string;
  /** Options that did read as marked (the rest were blank or unsure). */
  @Column({ length: 20, default: '' }) readMarked: string;
  @Column({ length: 16 }) verdict: string;
  @Column({ type: 'decimal', precision: 4, scale: 3, transformer: decimalTransformer }) confidence: number;
  @JsonColumn({ nullable: true }) fills: number[] | null;
  @JsonColumn({ nullable: true }) inks: number[] | null;
  /** JPEG of the item's bubbles, cut upright from the page. */
  @Column({ type: 'varchar', length: 200, nullable: true }) cropBlobKey: string | null;
  @Column({ type: 'varchar', length: 16, default: OmrReviewStatus.Open }) status: OmrReviewStatus;
  @Column({ type: 'varchar', length: 20, nullable: true }) resolvedMarked: string | null;
  @Column({ type: 'int', nullable: true }) resolvedBy: number | null;
  @Column({ type: 'datetime', precision: 3, nullable: true }) resolvedAt: Date | null;
  @CreateDateColumn({ precision: 3, default: () => 'CURRENT_TIMESTAMP(3)' }) createdAt: Date;
}
