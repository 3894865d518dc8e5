import { Column, Entity, PrimaryColumn } from 'typeorm';

/** 成绩发布: the exam's results as released to principals (the score version they were computed from). */
@Entity('results_release')
export class ResultsRelease {
  @PrimaryColumn() examId: number;
  @Column() scoreVersion: number;
  @Column({ type: 'datetime', precision: 6 }) releasedAt: Date;
  @Column() releasedBy: number;
  /** Why the admin released with work unfinished (null: nothing was unfinished). */
  @Column({ type: 'varchar', length: 500, nullable: true }) reason: string | null;
  /** 1 at the first release, +1 at each re-issue. */
  @Column({ default: 1 }) issueCount: number;
}
