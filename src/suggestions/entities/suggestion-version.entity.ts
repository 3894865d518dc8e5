import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One version of a suggestion, immutable: every change (edit, retirement, restoration) is a new row with its author
 * and time. A report names the version row (its id) whose text it printed.
 */
@Entity('suggestion_version')
@Index('uq_suggestion_version', ['suggestionId', 'version'], { unique: true })
export class SuggestionVersion {
  @PrimaryGeneratedColumn() id: number;
  @Column() suggestionId: number;
  @Column() version: number;
  @Column({ type: 'varchar', length: 30, nullable: true }) kind: string | null;
  @Column({ type: 'varchar', length: 300, nullable: true }) knowledgePoint: string | null;
  @Column({ type: 'varchar', length: 20, nullable: true }) cognitiveLevel: string | null;
  @Column({ type: 'varchar', length: 1000 }) text: string;
  @Column({ default: false }) retired: boolean;
  @Column() authorId: number;
  @CreateDateColumn() createdAt: Date;
}
