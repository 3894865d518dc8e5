import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The exam's score version: bumped in the transaction of every change of final scores or of who sat, so results
 * computed from version v are outdated once the version is above v (results job, reconciliation, release gate).
 * Sharded: a bump adds 1 to one of SCORE_VERSION_SHARDS rows of the exam, the version is their sum (no single hot row).
 */
@Entity('score_version')
export class ScoreVersion {
  @PrimaryColumn() examId: number;
  @PrimaryColumn({ type: 'tinyint', unsigned: true, default: 0 }) shard: number;
  @Column({ default: 0 }) version: number;
  @Column({ type: 'datetime', precision: 6 }) changedAt: Date;
}
