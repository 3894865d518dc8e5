import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A personal code that opens one student's notice of one exam (学生/家长查询码), printed on the notice. Looked up by its
 * SHA-256; the code itself is kept only sealed (a copy of the database alone opens no notice).
 */
@Entity('notice_code')
@Index('uq_notice_code_hash', ['codeHash'], { unique: true })
@Index('idx_notice_code_exam_class', ['examId', 'classId'])
@Index('idx_notice_code_student', ['studentId', 'examId'])
export class NoticeCode {
  @PrimaryGeneratedColumn() id: number;
  @Column() examId: number;
  @Column() studentId: number;
  @Column() schoolId: number;
  @Column() classId: number;
  @Column({ type: 'char', length: 64 }) codeHash: string;
  /** AES-256-GCM of the code under a key derived from JWT_SECRET: the class PDF prints it again. */
  @Column({ length: 120 }) codeSealed: string;
  @Column() createdBy: number;
  @CreateDateColumn({ precision: 3, default: () => 'CURRENT_TIMESTAMP(3)' }) createdAt: Date;
  @Column({ type: 'datetime', precision: 3, nullable: true }) revokedAt: Date | null;
  @Column({ type: 'int', nullable: true }) revokedBy: number | null;
}
