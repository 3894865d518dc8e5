import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { JsonColumn, ScoreColumn } from '../../database/columns.js';

/** What a student filled for one objective item, and its score by key. */
@Entity('objective_response')
@Index(['studentId', 'itemId'], { unique: true })
export class ObjectiveResponse {
  @PrimaryGeneratedColumn() id: number;
  @Column() examId: number;
  @Column() pageId: number;
  @Column() studentId: number;
  @Index() @Column() itemId: number;
  /** Options read as marked, e.g. "B", "" for blank, "AC" for several. */
  @Column({ length: 20 }) marked: string;
  @ScoreColumn() score: number;
  /** Fill measure per option (0 = white, 1 = solid), for review. */
  @JsonColumn({ nullable: true }) fills: number[] | null;
}
