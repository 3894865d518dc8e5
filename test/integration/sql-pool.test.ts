// SqlPool, the marking hot path's connections: READ COMMITTED sessions (so its transactions need no SET TRANSACTION),
// the same conversions as TypeORM's pool, commit and rollback; TypeORM's own pool keeps the server default.
import { SqlPool } from '../../src/database/sql-pool.js';
import { createTestEnv, TestEnv } from '../support/test-env.js';

describe('SqlPool', () => {
  let env: TestEnv;
  let pool: SqlPool;

  beforeAll(async () => {
    env = await createTestEnv('sql_pool');
    pool = new SqlPool(env.ds);
    await env.ds.query(
      'CREATE TABLE sql_pool_probe (id int PRIMARY KEY, d decimal(7,2) NULL, at datetime NULL, s varchar(80) NULL)',
    );
  });
  afterAll(async () => {
    await pool?.end();
    await env?.cleanup();
  });

  it('runs every transaction READ COMMITTED, without touching the isolation of TypeORM’s connections', async () => {
    const levels = await Promise.all(
      Array.from({ length: 4 }, () =>
        pool.transaction(async (q) => (await q.query<{ l: string }[]>('SELECT @@tx_isolation AS l'))[0].l),
      ),
    );
    expect(levels).toEqual(['READ-COMMITTED', 'READ-COMMITTED', 'READ-COMMITTED', 'READ-COMMITTED']);
    const [server] = await env.ds.query('SELECT @@global.tx_isolation AS g, @@tx_isolation AS s');
    expect(server.s).toBe(server.g);
  });

  it('commits on return, rolls back on throw, and converts like TypeORM’s pool', async () => {
    const at = new Date('2026-03-01T08:30:00Z');
    await pool.transaction((q) => q.query('INSERT INTO sql_pool_probe (id, d, at) VALUES (?, ?, ?)', [1, 7.5, at]));
    await expect(
      pool.transaction(async (q) => {
        await q.query('INSERT INTO sql_pool_probe (id, d) VALUES (2, 1)');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(pool.query('INSERT INTO sql_pool_probe (id) VALUES (1)')).rejects.toMatchObject({
      code: 'ER_DUP_ENTRY',
    });
    const mine = await pool.query('SELECT id, d, at, COUNT(*) OVER () AS n FROM sql_pool_probe ORDER BY id');
    const theirs = await env.ds.query('SELECT id, d, at, COUNT(*) OVER () AS n FROM sql_pool_probe ORDER BY id');
    expect(mine).toEqual(theirs);
    expect(mine).toEqual([{ id: 1, d: '7.50', at, n: '1' }]);
  });

  it('sends deferred writes with the next statement or the commit, and drops them all when one fails', async () => {
    const seen = await pool.transaction(async (q) => {
      q.later('INSERT INTO sql_pool_probe (id, d) VALUES (?, ?)', [10, 1]);
      q.later('UPDATE sql_pool_probe SET d = ?, s = ? WHERE id = ?', [2, "x'; DROP TABLE sql_pool_probe; --", 10]);
      const [row] = await q.query('SELECT d, s FROM sql_pool_probe WHERE id = ?', [10]);
      q.later('INSERT INTO sql_pool_probe (id, d) VALUES (?, ?)', [11, 3]);
      return row;
    });
    expect(seen).toEqual({ d: '2.00', s: "x'; DROP TABLE sql_pool_probe; --" }); // the quote was escaped, not executed
    expect(
      (await pool.query('SELECT id FROM sql_pool_probe WHERE id IN (10, 11) ORDER BY id')).map(
        (r: { id: number }) => r.id,
      ),
    ).toEqual([10, 11]);
    await expect(
      pool.transaction(async (q) => {
        q.later('INSERT INTO sql_pool_probe (id) VALUES (12)');
        q.later('INSERT INTO sql_pool_probe (id) VALUES (1)'); // duplicate key: the batch fails
      }),
    ).rejects.toMatchObject({ code: 'ER_DUP_ENTRY' });
    expect(await pool.query('SELECT id FROM sql_pool_probe WHERE id = 12')).toEqual([]);
  });

  it('gives each deferred statement its own result, and reads after the COMMIT in its round trip only when it commits', async () => {
    const got: unknown[] = [];
    let after: unknown = null;
    const last = await pool.transaction(async (q) => {
      q.later('INSERT INTO sql_pool_probe (id, d) VALUES (?, ?)', [20, 5], (ok: { affectedRows: number }) =>
        got.push(ok.affectedRows),
      );
      q.later('SELECT d FROM sql_pool_probe WHERE id = ?', [20], (rows: { d: string }[]) => got.push(rows));
      const rows = await q.query('SELECT COUNT(*) AS n FROM sql_pool_probe WHERE id = ?', [20]);
      q.afterCommit(
        'SELECT @@in_transaction AS t, COUNT(*) AS n FROM sql_pool_probe WHERE id = ?',
        [20],
        (r: unknown) => (after = r),
      );
      return rows;
    });
    expect(got).toEqual([1, [{ d: '5.00' }]]);
    expect(last).toEqual([{ n: '1' }]);
    expect(after).toEqual([{ t: '0', n: '1' }]); // outside the transaction, after its commit
    after = null;
    await expect(
      pool.transaction(async (q) => {
        q.later('INSERT INTO sql_pool_probe (id) VALUES (21)');
        q.later('INSERT INTO sql_pool_probe (id) VALUES (20)'); // duplicate key: nothing commits, nothing is read after
        q.afterCommit('SELECT 1 AS one', [], (r: unknown) => (after = r));
      }),
    ).rejects.toMatchObject({ code: 'ER_DUP_ENTRY' });
    expect(after).toBeNull();
    expect(await pool.query('SELECT id FROM sql_pool_probe WHERE id = 21')).toEqual([]);
  });
});
