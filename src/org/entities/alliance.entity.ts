import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A school alliance (教联体/学区/盟区/教育集团). */
@Entity('alliance')
export class Alliance {
  @PrimaryGeneratedColumn() id: number;
  @Column({ length: 100 }) name: string;
  @Column({ length: 40, unique: true }) code: string;
  /** The 区县 the alliance belongs to; null for an alliance of none. */
  @Column({ type: 'int', nullable: true }) countyId: number | null;
  @CreateDateColumn() createdAt: Date;
}
