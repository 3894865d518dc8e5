import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, type ValueTransformer } from 'typeorm';
import { decimalTransformer } from '../../database/columns.js';
import { ExamKind } from '../domain/exam-disclosure.js';

/** "0.85,0.7,0.6" in the database, [0.85, 0.7, 0.6] in code. */
const cutoffsTransformer: ValueTransformer = {
  to: (v: number[] | undefined) => (v === undefined ? undefined : v.join(',')),
  // After an insert TypeORM hands back the column default as written in the metadata (a string) or what was saved.
  from: (v: string | number[] | null) =>
    Array.isArray(v)
      ? v
      : String(v ?? '0.85,0.7,0.6')
          .split(',')
          .map(Number),
};

export enum ExamStatus {
  Draft = 'draft',
  Scanning = 'scanning',
  Marking = 'marking',
  Published = 'published',
  /** An earlier exam's results imported from a spreadsheet (历史成绩导入): papers without items, totals only; never scanned, marked or computed. */
  Imported = 'imported',
}

@Entity('exam')
export class Exam {
  @PrimaryGeneratedColumn() id: number;
  @Column() allianceId: number;
  @Column({ length: 100 }) name: string;
  /** The grade as people read it (七年级, 高一); school_class.grade is matched on it. */
  @Column({ length: 20, default: '' }) grade: string;
  /** 1–12 (1–6 小学, 7–9 初中, 10–12 高中); null when the grade could not be read (older or imported exams). */
  @Column({ type: 'tinyint', nullable: true }) gradeYear: number | null;
  /** What the exam is; with the grade it decides who may see what (domain/exam-disclosure.ts). */
  @Column({ type: 'varchar', length: 24, default: ExamKind.QualityMonitoring }) kind: ExamKind;
  /** 等级 cut-offs as fractions of full marks, highest first: 3 or 4 of them (4 or 5 levels). */
  @Column({ type: 'varchar', length: 40, default: '0.85,0.7,0.6', transformer: cutoffsTransformer })
  gradeBandCutoffs: number[];
  @Column({ type: 'date', nullable: true }) examDate: string | null;
  @Column({ type: 'varchar', length: 16, default: ExamStatus.Draft }) status: ExamStatus;
  /** 三率 thresholds as fractions of full marks (DESIGN §5 defaults 0.85 / 0.60 / 0.40). */
  @Column({ type: 'decimal', precision: 4, scale: 3, default: 0.85, transformer: decimalTransformer })
  excellentRatio: number;
  @Column({ type: 'decimal', precision: 4, scale: 3, default: 0.6, transformer: decimalTransformer }) passRatio: number;
  @Column({ type: 'decimal', precision: 4, scale: 3, default: 0.4, transformer: decimalTransformer }) lowRatio: number;
  /** Before this moment the paper PDF is confidential (subject leads of the subject and admins only); null = not released. */
  @Column({ type: 'datetime', nullable: true }) releaseAt: Date | null;
  /** 纵看: the same cohort's previous exam, linked by student id (value-added). */
  @Column({ type: 'int', nullable: true }) priorExamId: number | null;
  /** 提升系数 formula: 'va_over_se' (default) or 'ratio_change'. */
  @Column({ type: 'varchar', length: 20, default: 'va_over_se' }) improvementFormula: string;
  /** 历史成绩导入: fingerprint of the imported results (unique per alliance with it), null for other exams. */
  @Column({ type: 'char', length: 64, nullable: true, select: false }) importHash: string | null;
  /** Days after the results' release when the scans and snippets may be deleted (null: RETENTION_DAYS; 0: keep). */
  @Column({ type: 'int', nullable: true }) scanRetentionDays: number | null;
  /**
   * 历史成绩导入: the reliability of the imported totals as the admin stated it (0–1; e.g. the source system's α),
   * with where it came from; null when not stated (always for scanned exams, whose α comes from their items).
   */
  @Column({ type: 'decimal', precision: 4, scale: 3, nullable: true, transformer: decimalTransformer })
  statedReliability: number | null;
  @Column({ type: 'varchar', length: 200, nullable: true }) statedReliabilitySource: string | null;
  @CreateDateColumn() createdAt: Date;
}
