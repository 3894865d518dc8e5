import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A school alliance (教联体/学区/盟区/教育集团). */
@Entity('alliance')
export class Alliance {
  @PrimaryGeneratedColumn() id: number;
  @Column({ length: 100 }) name: string;
  @Column({ length: 40, unique: true }) code: string;
  @CreateDateColumn() createdAt: Date;
}
