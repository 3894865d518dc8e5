import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('user')
export class User {
  @PrimaryGeneratedColumn() id: number;
  @Column({ length: 60, unique: true }) username: string;
  @Column({ length: 60 }) displayName: string;
  @Column({ length: 100 }) passwordHash: string;
  @Column({ type: 'int', nullable: true }) allianceId: number | null;
  @Column({ default: true }) active: boolean;
  /** Carried by every token; moving it on (logout) revokes the tokens issued before. */
  @Column({ type: 'int', default: 0 }) sessionEpoch: number;
  @CreateDateColumn() createdAt: Date;
}
