import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A suggestion of an alliance's 补短板 library: its identity, its subject (fixed; null for a generic suggestion), and
 * a pointer to its current version. What it says lives in its versions (suggestion_version), never overwritten.
 */
@Entity('suggestion')
@Index('ix_suggestion_alliance_subject', ['allianceId', 'subject'])
export class Suggestion {
  @PrimaryGeneratedColumn() id: number;
  @Column() allianceId: number;
  @Column({ type: 'varchar', length: 40, nullable: true }) subject: string | null;
  @Column({ type: 'int', nullable: true }) currentVersionId: number | null;
  @CreateDateColumn() createdAt: Date;
}
