// 题块 (migration 1765560000000-marking-blocks): items of one paper marked together by the same markers.
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity('marking_block')
@Index('uq_marking_block_name', ['paperId', 'name'], { unique: true })
export class MarkingBlock {
  @PrimaryGeneratedColumn() id: number;
  @Index('idx_marking_block_exam') @Column() examId: number;
  @Column() paperId: number;
  @Column({ length: 40 }) name: string;
  @Column({ type: 'int', nullable: true }) createdBy: number | null;
  @CreateDateColumn({ precision: 3, default: () => 'CURRENT_TIMESTAMP(3)' }) createdAt: Date;
}

/** An item's 题块: at most one per item. */
@Entity('marking_block_item')
export class MarkingBlockItem {
  @PrimaryGeneratedColumn() id: number;
  @Index('idx_marking_block_item_block') @Column() blockId: number;
  @Index('uq_marking_block_item_item', { unique: true }) @Column() itemId: number;
}
