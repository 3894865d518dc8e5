import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An exam whose scans, snippets and OMR crops were deleted under the retention rule (results and reports stay). */
@Entity('scan_purge')
export class ScanPurge {
  @PrimaryColumn() examId: number;
  @Column({ type: 'datetime', precision: 3 }) purgedAt: Date;
  /** Who asked (an admin); null: the scheduled purge (npm run purge-scans). */
  @Column({ type: 'int', nullable: true }) purgedBy: number | null;
  @Column() pages: number;
  @Column() snippets: number;
  @Column() crops: number;
  @Column() blobsDeleted: number;
  /** Images that another exam's rows name too (the same bytes): kept for that exam. */
  @Column() blobsShared: number;
}
