import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { JsonColumn } from '../../database/columns.js';

/** Access and change log: children's data is sensitive (个人信息保护法), so reads of it are recorded too. */
@Entity('audit_log')
@Index(['entity', 'entityId'])
export class AuditLog {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'int', nullable: true }) userId: number | null;
  @Column({ length: 60 }) action: string;
  @Column({ length: 60 }) entity: string;
  @Column({ type: 'varchar', length: 60, nullable: true }) entityId: string | null;
  @JsonColumn({ nullable: true }) detail: unknown;
  @CreateDateColumn({ precision: 3, default: () => 'CURRENT_TIMESTAMP(3)' }) at: Date;
}
