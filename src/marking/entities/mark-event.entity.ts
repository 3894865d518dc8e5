import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { ScoreColumn } from '../../database/columns.js';

/** An immutable mark: who scored which answer, when, in which round. Never updated, never deleted. */
@Entity('mark_event')
@Index(['snippetId', 'round'])
@Index('idx_mark_event_snippet_marker', ['snippetId', 'markerId'])
@Index('idx_mark_event_item_marker', ['itemId', 'markerId', 'kind'])
export class MarkEvent {
  @PrimaryGeneratedColumn() id: number;
  @Column() examId: number;
  @Column() taskId: number;
  @Column() snippetId: number;
  @Column() itemId: number;
  @Index() @Column() markerId: number;
  @Column({ type: 'tinyint' }) round: number;
  @ScoreColumn({ nullable: true }) score: number | null;
  /** 问题卷 flag reason (blank, illegible, …) instead of a score. */
  @Column({ type: 'varchar', length: 40, nullable: true }) problem: string | null;
  @Column({ type: 'int', default: 0 }) secondsSpent: number;
  /** Client-generated id: a submit repeated by a flaky network never creates a second mark. */
  @Column({ length: 64, unique: true }) clientId: string;
  @CreateDateColumn({ precision: 3, default: () => 'CURRENT_TIMESTAMP(3)' }) createdAt: Date;
  /** live (scores the answer), trial, seed or self (quality control, never scored). */
  @Column({ type: 'varchar', length: 8, default: 'live' }) kind: string;
  /** 回评: the event this one replaces; self re-marking: the marker's earlier mark. */
  @Column({ type: 'int', nullable: true }) refEventId: number | null;
  /** QC events: within tolerance of the definitive score (trial, seed) or of the earlier own mark (self). */
  @Column({ type: 'boolean', nullable: true }) agreed: boolean | null;
}
