import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { JsonColumn, ScoreColumn } from '../../database/columns.js';

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

export const OBJECTIVE_TYPES: readonly ItemType[] = [ItemType.SingleChoice, ItemType.MultipleChoice, ItemType.TrueFalse];

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
  @JsonColumn({ nullable: true }) knowledgePoints: string[] | null;
  /** Height of the answer box for subjective items, in millimetres on the sheet. */
  @Column({ type: 'smallint', default: 40 }) boxHeightMm: number;
}
