import { MigrationInterface, QueryRunner } from 'typeorm';
import { ExamKind, kindsAllowed, parseGrade } from '../../exams/domain/exam-disclosure.js';

/**
 * exam.grade_year (1–12, NULL when unknown), exam.kind (学业质量监测 / 毕业年级统一考试 / 校际联考) and
 * exam.grade_band_cutoffs (等级 cut-offs as fractions of full marks, "0.85,0.7,0.6" = A/B/C/D). exam.grade stays the
 * readable label that classes are matched on. Existing rows: the year read from their grade text; the kind is
 * 学业质量监测 where the grade allows nothing else (or the grade cannot be read: the stricter rule), else 校际联考.
 */
export class ExamKindGrade1765520000000 implements MigrationInterface {
  name = 'ExamKindGrade1765520000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      "ALTER TABLE `exam` ADD COLUMN `grade_year` tinyint NULL, ADD COLUMN `kind` varchar(24) NOT NULL DEFAULT 'quality_monitoring', ADD COLUMN `grade_band_cutoffs` varchar(40) NOT NULL DEFAULT '0.85,0.7,0.6'",
    );
    const rows: { id: number; grade: string }[] = await q.query('SELECT `id`, `grade` FROM `exam`');
    for (const r of rows) {
      const year = parseGrade(r.grade);
      const kinds = year === null ? [ExamKind.QualityMonitoring] : kindsAllowed(year);
      const kind = kinds.length === 1 ? kinds[0] : ExamKind.Joint;
      await q.query('UPDATE `exam` SET `grade_year` = ?, `kind` = ? WHERE `id` = ?', [year, kind, r.id]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE `exam` DROP COLUMN `grade_year`, DROP COLUMN `kind`, DROP COLUMN `grade_band_cutoffs`');
  }
}
