import { Column, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { ScoreColumn } from '../../database/columns.js';

export enum ScoreSource {
  Objective = 'objective',
  Marking = 'marking',
}

/** A student's final score on one item, derived from OMR or mark events by a versioned rule. */
@Entity('final_item_score')
@Index(['studentId', 'itemId'], { unique: true })
@Index(['examId', 'itemId'])
// The results job's read of a paper: one range scan of the index alone (migration 1766900000000).
@Index('idx_final_item_score_results', ['examId', 'itemId', 'studentId', 'score'])
export class FinalItemScore {
  @PrimaryGeneratedColumn() id: number;
  @Column() examId: number;
  @Column() paperId: number;
  @Column() studentId: number;
  @Column() itemId: number;
  @ScoreColumn() score: number;
  @Column({ type: 'varchar', length: 12 }) source: ScoreSource;
  /** Which rule produced the score, e.g. "single-v1" or "double-v1". */
  @Column({ length: 40 }) ruleVersion: string;
  @UpdateDateColumn() updatedAt: Date;
}
