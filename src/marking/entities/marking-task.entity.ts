import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export enum TaskStatus {
  Pending = 'pending',
  Leased = 'leased',
  Done = 'done',
  /** Replaced by a new attempt (the work of a suspended marker, re-queued) or no longer needed. Never handed out. */
  Void = 'void',
}

/** live: counts towards the final score. trial/seed/self: quality-control work of one marker (qc_for), never scored. */
export enum TaskKind {
  Live = 'live',
  Trial = 'trial',
  Seed = 'seed',
  Self = 'self',
}

/** One round of marking of one snippet. Double marking is two tasks (round 1, round 2), third marking a third. */
@Entity('marking_task')
@Index('uq_marking_task_slot', ['snippetId', 'round', 'kind', 'qcFor', 'attempt'], { unique: true })
@Index('idx_marking_task_item_pool', ['itemId', 'status', 'shuffleKey'])
@Index('idx_marking_task_item_lease', ['itemId', 'status', 'leaseExpiresAt'])
@Index('idx_marking_task_leased_by', ['leasedBy', 'status'])
@Index('idx_marking_task_pool', ['examId', 'status', 'shuffleKey'])
export class MarkingTask {
  @PrimaryGeneratedColumn() id: number;
  @Column() examId: number;
  @Column() itemId: number;
  @Column() snippetId: number;
  /** 1–3 for live rounds, 9 arbitration; 0 for QC tasks. */
  @Column({ type: 'tinyint' }) round: number;
  @Column({ type: 'varchar', length: 12, default: TaskStatus.Pending }) status: TaskStatus;
  @Column({ type: 'int', nullable: true }) leasedBy: number | null;
  @Column({ type: 'datetime', nullable: true }) leaseExpiresAt: Date | null;
  /** Spreads schools through the queue so a marker sees answers of different schools interleaved. */
  @Column({ type: 'int', default: 0 }) shuffleKey: number;
  @Column({ type: 'varchar', length: 8, default: TaskKind.Live }) kind: TaskKind;
  /** The one marker a QC task is for; 0 for live tasks (any eligible marker). */
  @Column({ type: 'int', default: 0 }) qcFor: number;
  /** 0 for the first task of a round; a re-queued round is a new task with the next attempt. */
  @Column({ type: 'tinyint', default: 0 }) attempt: number;
  /** Self re-marking: the marker's earlier event on this snippet. */
  @Column({ type: 'int', nullable: true }) refEventId: number | null;
  @CreateDateColumn() createdAt: Date;
}
