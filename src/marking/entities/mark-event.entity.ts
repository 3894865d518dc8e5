import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { ScoreColumn } from '../../database/columns.js';

/** An immutable mark: who scored which answer, when, in which round. Never updated, never deleted. */
@Entity('mark_event')
@Index(['snippetId', 'round'])
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
  @CreateDateColumn({ precision: 3, default: () => "CURRENT_TIMESTAMP(3)" }) createdAt: Date;
}
