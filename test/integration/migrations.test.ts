import { createTestEnv, TestEnv } from '../support/test-env.js';
import { migrate } from '../../src/database/data-source.js';

describe('migrations on a fresh database', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv('mig');
  });
  afterAll(() => env.cleanup());

  it('creates every core table with DECIMAL scores', async () => {
    const rows: { TABLE_NAME: string }[] = await env.ds.query(
      'SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()',
    );
    const tables = rows.map((r) => r.TABLE_NAME);
    for (const t of [
      'alliance',
      'school',
      'school_class',
      'student',
      'user',
      'user_role',
      'exam',
      'paper',
      'item',
      'scanned_page',
      'objective_response',
      'answer_snippet',
      'marking_task',
      'mark_event',
      'final_item_score',
      'report',
    ]) {
      expect(tables).toContain(t);
    }
    const cols: { DATA_TYPE: string }[] = await env.ds.query(
      "SELECT DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'mark_event' AND COLUMN_NAME = 'score'",
    );
    expect(cols[0].DATA_TYPE).toBe('decimal');
  });

  it('is a no-op when run again', async () => {
    expect(await migrate(env.config)).toEqual([]);
  });

  it('enforces one mark per client id and several marks per answer', async () => {
    const fk: unknown[] = await env.ds.query(
      "SELECT CONSTRAINT_NAME FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'mark_event' AND CONSTRAINT_TYPE = 'UNIQUE'",
    );
    expect(fk.length).toBeGreaterThanOrEqual(1);
  });

  it('stores one grant per user, role and scope even when the scope columns are NULL', async () => {
    await env.ds.query("INSERT INTO alliance (name, code) VALUES ('测试联盟', 'mig-dup')");
    const [{ id: allianceId }] = await env.ds.query('SELECT MAX(id) AS id FROM alliance');
    await env.ds.query("INSERT INTO `user` (username, display_name, password_hash) VALUES ('dup', 'dup', 'x')");
    const [{ id: userId }] = await env.ds.query('SELECT MAX(id) AS id FROM `user`');
    const grant =
      "INSERT INTO user_role (user_id, role, alliance_id, school_id, subject) VALUES (?, 'admin', ?, NULL, NULL)";
    await env.ds.query(grant, [userId, allianceId]);
    await expect(env.ds.query(grant, [userId, allianceId])).rejects.toMatchObject({ code: 'ER_DUP_ENTRY' });
    await env.ds.query(
      "INSERT INTO user_role (user_id, role, alliance_id, school_id, subject) VALUES (?, 'subject_lead', ?, NULL, '数学')",
      [userId, allianceId],
    );
    await expect(
      env.ds.query(
        "INSERT INTO user_role (user_id, role, alliance_id, school_id, subject) VALUES (?, 'subject_lead', ?, NULL, '数学')",
        [userId, allianceId],
      ),
    ).rejects.toMatchObject({ code: 'ER_DUP_ENTRY' });
    await env.ds.query(
      "INSERT INTO user_role (user_id, role, alliance_id, school_id, subject) VALUES (?, 'subject_lead', ?, NULL, '语文')",
      [userId, allianceId],
    );
    expect(Number((await env.ds.query('SELECT COUNT(*) AS n FROM user_role WHERE user_id = ?', [userId]))[0].n)).toBe(
      3,
    );
  });

  it('a teacher grant names its class: one per class (NULL-free key), gone with its class', async () => {
    await env.ds.query("INSERT INTO alliance (name, code) VALUES ('测试联盟', 'mig-cls')");
    const [{ id: allianceId }] = await env.ds.query('SELECT MAX(id) AS id FROM alliance');
    await env.ds.query(
      "INSERT INTO school (alliance_id, name, code, kind, locality) VALUES (?, '一中', 'mig-s1', 'member', 'urban')",
      [allianceId],
    );
    const [{ id: schoolId }] = await env.ds.query('SELECT MAX(id) AS id FROM school');
    await env.ds.query("INSERT INTO school_class (school_id, name) VALUES (?, '七(1)班'), (?, '七(2)班')", [
      schoolId,
      schoolId,
    ]);
    const [c1, c2]: { id: number }[] = await env.ds.query(
      'SELECT id FROM school_class WHERE school_id = ? ORDER BY id',
      [schoolId],
    );
    await env.ds.query("INSERT INTO `user` (username, display_name, password_hash) VALUES ('tch', 'tch', 'x')");
    const [{ id: userId }] = await env.ds.query('SELECT MAX(id) AS id FROM `user`');
    const grant =
      "INSERT INTO user_role (user_id, role, alliance_id, school_id, subject, class_id) VALUES (?, 'teacher', ?, ?, NULL, ?)";
    await env.ds.query(grant, [userId, allianceId, schoolId, c1.id]);
    await env.ds.query(grant, [userId, allianceId, schoolId, c2.id]);
    await expect(env.ds.query(grant, [userId, allianceId, schoolId, c1.id])).rejects.toMatchObject({
      code: 'ER_DUP_ENTRY',
    });
    await env.ds.query('DELETE FROM school_class WHERE id = ?', [c2.id]);
    const left: { class_id: number }[] = await env.ds.query('SELECT class_id FROM user_role WHERE user_id = ?', [
      userId,
    ]);
    expect(left.map((r) => Number(r.class_id))).toEqual([c1.id]);
  });
});
