import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The exam's score version: bumped in the transaction of every change of final scores or of who sat, so results
 * computed from version v are outdated once the version is above v (results job, reconciliation, release gate).
 */
@Entity('score_version')
export class ScoreVersion {
  @PrimaryColumn() examId: number;
  @Column({ default: 0 }) version: number;
  @Column({ type: 'datetime', precision: 6 }) changedAt: Date;
}
