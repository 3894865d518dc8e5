import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** An examination room (考场) of an exam, at a school (the venue), with its seats laid out in rows of `columns`. */
@Entity('exam_room')
@Index('uq_exam_room_no', ['examId', 'roomNo'], { unique: true })
export class ExamRoom {
  @PrimaryGeneratedColumn() id: number;
  @Column() examId: number;
  @Column() schoolId: number;
  @Column() roomNo: number;
  @Column({ length: 60 }) name: string;
  @Column() capacity: number;
  @Column() columns: number;
  @Column({ default: false }) special: boolean;
}
