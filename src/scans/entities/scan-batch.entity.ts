import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('scan_batch')
export class ScanBatch {
  @PrimaryGeneratedColumn() id: number;
  @Column() examId: number;
  @Column() schoolId: number;
  @Column() uploadedBy: number;
  @Column({ length: 200, default: '' }) originalName: string;
  @Column({ default: 0 }) pageCount: number;
  @CreateDateColumn() createdAt: Date;
}
