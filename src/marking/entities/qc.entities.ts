// Quality-control tables of marking (migration 1764800000000-marking-qc).
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { decimalTransformer, ScoreColumn } from '../../database/columns.js';

/** A mark event that no longer counts: changed through 回评, or re-queued after its marker was suspended. */
@Entity('mark_supersession')
export class MarkSupersession {
  @PrimaryGeneratedColumn() id: number;
  @Index('uq_mark_supersession_event', { unique: true }) @Column() markEventId: number;
  /** 'review' (回评 change), 'suspended' (automatic), 'requeue' (the lead re-queued the marker's work). */
  @Column({ length: 20 }) reason: string;
  @Column({ type: 'int', nullable: true }) byUserId: number | null;
  @Column({ type: 'int', nullable: true }) replacementEventId: number | null;
  @CreateDateColumn({ precision: 3, default: () => 'CURRENT_TIMESTAMP(3)' }) createdAt: Date;
}

/** 题块: the items a marker is assigned to. A marker with no assignment at all may mark every item of its subject. */
@Entity('marker_assignment')
@Index('uq_marker_assignment', ['itemId', 'markerId'], { unique: true })
export class MarkerAssignment {
  @PrimaryGeneratedColumn() id: number;
  @Column() itemId: number;
  @Index('idx_marker_assignment_marker') @Column() markerId: number;
  @Column({ type: 'int', nullable: true }) assignedBy: number | null;
  @CreateDateColumn({ precision: 3, default: () => 'CURRENT_TIMESTAMP(3)' }) createdAt: Date;
}

export enum MarkerPhase {
  Trial = 'trial',
  Live = 'live',
}

/** A marker's standing on one item. No row: live, unless the item requires trial marking. */
@Entity('marker_item_state')
@Index('uq_marker_item_state', ['itemId', 'markerId'], { unique: true })
export class MarkerItemState {
  @PrimaryGeneratedColumn() id: number;
  @Column() itemId: number;
  @Index('idx_marker_item_state_marker') @Column() markerId: number;
  @Column({ type: 'varchar', length: 8, default: MarkerPhase.Trial }) phase: MarkerPhase;
  @Column({ type: 'boolean', default: false }) suspended: boolean;
  @Column({ type: 'varchar', length: 200, nullable: true }) reason: string | null;
  @Column({ type: 'int', nullable: true }) changedBy: number | null;
  /** Set on restore: the marker's last mark event then; seed misses up to it no longer count. */
  @Column({ type: 'int', nullable: true }) restoredAfter: number | null;
  @UpdateDateColumn({ precision: 3, default: () => 'CURRENT_TIMESTAMP(3)' }) updatedAt: Date;
}

const rate = { type: 'decimal' as const, precision: 5, scale: 4, transformer: decimalTransformer };

/** QC settings of one item, set by its subject lead. No row: no trial, no seeds, no self re-marking, no cap. */
@Entity('item_qc_setting')
export class ItemQcSetting {
  @PrimaryColumn() itemId: number;
  @Column({ type: 'boolean', default: false }) trialRequired: boolean;
  /** Automatic pass: share of trial answers within tolerance needed to go live; null = the lead approves. */
  @Column({ ...rate, nullable: true }) trialPassRate: number | null;
  @Column({ ...rate, default: 0 }) seedRate: number;
  /** Seed tolerance; null = the item's marking tolerance. */
  @ScoreColumn({ nullable: true }) seedTolerance: number | null;
  /** Suspend after this many seed misses within the last `seedWindow` seeds. */
  @Column({ type: 'int', default: 3 }) seedMisses: number;
  @Column({ type: 'int', default: 10 }) seedWindow: number;
  @Column({ ...rate, default: 0 }) selfRate: number;
  @Column({ type: 'int', nullable: true }) dailyCap: number | null;
  /** 回评: how many of the marker's last marks are listed. */
  @Column({ type: 'int', default: 10 }) reviewSize: number;
}

export enum ReferenceKind {
  Trial = 'trial',
  Seed = 'seed',
}

/** An answer with a definitive score set by the subject lead, used for trial marking (试评) or as a seed (测评卷). */
@Entity('reference_answer')
@Index('uq_reference_answer', ['snippetId', 'kind'], { unique: true })
export class ReferenceAnswer {
  @PrimaryGeneratedColumn() id: number;
  @Column() itemId: number;
  @Column() snippetId: number;
  @Column({ type: 'varchar', length: 8 }) kind: ReferenceKind;
  @ScoreColumn() score: number;
  @Column({ type: 'int', nullable: true }) createdBy: number | null;
  @CreateDateColumn({ precision: 3, default: () => 'CURRENT_TIMESTAMP(3)' }) createdAt: Date;
}
