import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A 区县: holds alliances (alliance.county_id) and its bureau users (bureau_user), who read them all. */
@Entity('county')
export class County {
  @PrimaryGeneratedColumn() id: number;
  @Column({ length: 100 }) name: string;
  @Column({ length: 40, unique: true }) code: string;
  @CreateDateColumn() createdAt: Date;
}
