import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { decimalTransformer, JsonColumn, ScoreColumn } from '../../database/columns.js';

export enum ItemType {
  SingleChoice = 'single_choice',
  MultipleChoice = 'multiple_choice',
  TrueFalse = 'true_false',
  FillIn = 'fill_in',
  Subjective = 'subjective',
}
export enum MarkingMode {
  Single = 'single',
  Double = 'double',
  DoubleArbitration = 'double_arbitration',
}
export enum RoundingMode {
  HalfUp = 'half_up',
  Down = 'down',
  Up = 'up',
}

export const OBJECTIVE_TYPES: readonly ItemType[] = [
  ItemType.SingleChoice,
  ItemType.MultipleChoice,
  ItemType.TrueFalse,
];

@Entity('item')
@Index(['paperId', 'seq'], { unique: true })
export class Item {
  @PrimaryGeneratedColumn() id: number;
  @Column() paperId: number;
  /** Order on the paper, 1-based. */
  @Column() seq: number;
  /** Printed number, e.g. "3" or "17(1)". */
  @Column({ length: 20 }) label: string;
  @Column({ type: 'varchar', length: 20 }) type: ItemType;
  @ScoreColumn() maxScore: number;
  @ScoreColumn({ default: 1 }) scoreStep: number;
  @Column({ type: 'varchar', length: 12, default: RoundingMode.HalfUp }) roundingMode: RoundingMode;
  /** Objective items: the key, e.g. "B" (or "ACD" for multiple choice). */
  @Column({ type: 'varchar', length: 20, nullable: true }) answerKey: string | null;
  /** Number of options for choice items (A..). */
  @Column({ type: 'tinyint', default: 4 }) optionCount: number;
  @Column({ type: 'varchar', length: 20, default: MarkingMode.Single }) markingMode: MarkingMode;
  @ScoreColumn({ default: 0 }) tolerance: number;
  /** Knowledge-point names (leaf names of the tree), kept for results and reports. */
  @JsonColumn({ nullable: true }) knowledgePoints: string[] | null;
  /** The knowledge_point nodes the item tests (same order as knowledgePoints). */
  @JsonColumn({ nullable: true }) knowledgePointIds: number[] | null;
  /** Sub-items: "17" for 17(1) and 17(2). The parent is a printed heading only; scores live on the children. */
  @Column({ type: 'varchar', length: 20, nullable: true }) parentLabel: string | null;
  /** 认知层次: 了解 / 理解 / 掌握 / 运用 by default. */
  @Column({ type: 'varchar', length: 20, nullable: true }) cognitiveLevel: string | null;
  /** Multiple choice: fraction of full marks for a correct subset with no wrong option; null = all-or-nothing. */
  @Column({ type: 'decimal', precision: 4, scale: 3, nullable: true, transformer: decimalTransformer }) partialCredit:
    number | null;
  /** Height of the answer box for subjective items, in millimetres on the sheet. */
  @Column({ type: 'smallint', default: 40 }) boxHeightMm: number;
}
