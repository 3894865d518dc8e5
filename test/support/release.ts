// 成绩发布 for tests that are not about it: the exam's results released as the admin would, at the exam's current
// score version (test/e2e/release.e2e.test.ts goes through the page's API instead).
import type { DataSource } from 'typeorm';

export async function releaseResults(ds: DataSource, examId: number, userId = 0): Promise<void> {
  await ds.query(
    `INSERT INTO results_release (exam_id, score_version, released_at, released_by, reason)
     SELECT ?, COALESCE((SELECT SUM(version) AS version FROM score_version WHERE exam_id = ?), 0), CURRENT_TIMESTAMP(6), ?, '测试'
     ON DUPLICATE KEY UPDATE score_version = VALUES(score_version), issue_count = issue_count + 1`,
    [examId, examId, userId],
  );
}
