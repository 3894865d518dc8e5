import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export enum TaskStatus {
  Pending = 'pending',
  Leased = 'leased',
  Done = 'done',
}

/** One round of marking of one snippet. Double marking is two tasks (round 1, round 2), third marking a third. */
@Entity('marking_task')
@Index(['snippetId', 'round'], { unique: true })
@Index(['itemId', 'status'])
export class MarkingTask {
  @PrimaryGeneratedColumn() id: number;
  @Column() examId: number;
  @Column() itemId: number;
  @Column() snippetId: number;
  @Column({ type: 'tinyint' }) round: number;
  @Column({ type: 'varchar', length: 12, default: TaskStatus.Pending }) status: TaskStatus;
  @Column({ type: 'int', nullable: true }) leasedBy: number | null;
  @Column({ type: 'datetime', nullable: true }) leaseExpiresAt: Date | null;
  /** Spreads schools through the queue so a marker sees answers of different schools interleaved. */
  @Column({ type: 'int', default: 0 }) shuffleKey: number;
  @CreateDateColumn() createdAt: Date;
}
