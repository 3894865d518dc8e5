import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { ScoreColumn } from '../../database/columns.js';

/** A student's paper total. Absent students (缺考) have a row with absent = true and no total; 未扫描 ones unscanned = true. */
@Entity('student_result')
@Index(['paperId', 'studentId'], { unique: true })
export class StudentResult {
  @PrimaryGeneratedColumn() id: number;
  @Index() @Column() examId: number;
  @Column() paperId: number;
  @Column() studentId: number;
  @Column() schoolId: number;
  @ScoreColumn({ nullable: true }) total: number | null;
  @Column({ default: false }) absent: boolean;
  /** 未扫描: no sheet read and no 缺考 mark (not absent, not counted); false for imported results. */
  @Column({ default: false }) unscanned: boolean;
}
