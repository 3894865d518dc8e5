import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A student. Exam numbers (考号) are unique within an alliance: sheets identify students by them. */
@Entity('student')
@Index(['allianceId', 'examNo'], { unique: true })
export class Student {
  @PrimaryGeneratedColumn() id: number;
  @Column() allianceId: number;
  @Index() @Column() schoolId: number;
  @Index() @Column() classId: number;
  @Column({ length: 20 }) examNo: string;
  @Column({ length: 60 }) name: string;
}
