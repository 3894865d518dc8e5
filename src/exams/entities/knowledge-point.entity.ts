import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A node of the knowledge-point tree of one subject in one alliance; `path` is "数与代数/有理数/绝对值". */
@Entity('knowledge_point')
@Index('uq_knowledge_point_path', ['allianceId', 'subject', 'path'], { unique: true })
export class KnowledgePoint {
  @PrimaryGeneratedColumn() id: number;
  @Column() allianceId: number;
  @Column({ length: 40 }) subject: string;
  @Column({ type: 'int', nullable: true }) parentId: number | null;
  @Column({ length: 60 }) name: string;
  @Column({ length: 300 }) path: string;
  @CreateDateColumn() createdAt: Date;
}
