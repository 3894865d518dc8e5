import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { JsonColumn, ScoreColumn } from '../../database/columns.js';

/** What a student filled for one objective item, and its score by key. */
@Entity('objective_response')
@Index(['studentId', 'itemId'], { unique: true })
// The results job's read of a paper: one range scan of the index alone (migration 1766900000000).
@Index('idx_objective_response_results', ['examId', 'itemId', 'studentId', 'score', 'marked'])
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
