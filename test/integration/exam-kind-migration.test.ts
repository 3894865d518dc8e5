// The exam kind/grade migration on rows written before it: the year read from the free-text grade, the kind the
// 2021 notice allows (学业质量监测 where nothing else is, or where the grade cannot be read), default 等级 cut-offs.
import { ExamKindGrade1765520000000 } from '../../src/database/migrations/1765520000000-exam-kind-grade.js';
import { createAlliance } from '../support/fixtures.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

describe('migration 1765520000000: exam.grade_year, exam.kind, exam.grade_band_cutoffs', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv('exam_kind_mig');
  });
  afterAll(() => env.cleanup());

  it('reads existing grades into years and kinds, and goes back down cleanly', async () => {
    const migration = new ExamKindGrade1765520000000();
    const qr = env.ds.createQueryRunner();
    try {
      await migration.down(qr);
      const alliance = await createAlliance(env.ds, '迁移联盟', 'mig-kind');
      const grades = ['七年级', '初三', '高二', '高三', '', '2024届', '六年级'];
      for (const [i, g] of grades.entries())
        await qr.query('INSERT INTO exam (alliance_id, name, grade) VALUES (?, ?, ?)', [alliance.id, `考试${i}`, g]);
      await migration.up(qr);
      const rows: { grade: string; grade_year: number | null; kind: string; grade_band_cutoffs: string }[] =
        await qr.query('SELECT grade, grade_year, kind, grade_band_cutoffs FROM exam ORDER BY id');
      expect(rows.map((r) => [r.grade, r.grade_year, r.kind])).toEqual([
        ['七年级', 7, 'quality_monitoring'],
        ['初三', 9, 'joint'],
        ['高二', 11, 'joint'],
        ['高三', 12, 'joint'],
        ['', null, 'quality_monitoring'],
        ['2024届', null, 'quality_monitoring'],
        ['六年级', 6, 'quality_monitoring'],
      ]);
      expect(new Set(rows.map((r) => r.grade_band_cutoffs))).toEqual(new Set(['0.85,0.7,0.6']));
    } finally {
      await qr.release();
    }
  });
});
