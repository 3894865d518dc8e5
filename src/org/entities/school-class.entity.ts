import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity('school_class')
@Index(['schoolId', 'name'], { unique: true })
export class SchoolClass {
  @PrimaryGeneratedColumn() id: number;
  @Column() schoolId: number;
  @Column({ length: 60 }) name: string;
  @Column({ length: 20, default: '' }) grade: string;
}
