import mysql from 'mysql2';
import type { Pool, PoolConnection } from 'mysql2';
import type { DataSource } from 'typeorm';

/** What a hot-path statement needs: raw SQL with `?` parameters, mysql2's raw result (rows, or the OK packet). */
export interface Sql {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query<T = any>(sql: string, params?: unknown[]): Promise<T>;
}

/**
 * Inside a SqlPool transaction: a write whose result the caller does not need can ride along with the transaction's
 * next statement (or its COMMIT), in the same round trip. A TypeORM EntityManager has no `later`: callers fall back to
 * `query` (see `writeLater`).
 */
export interface SqlTx extends Sql {
  /**
   * Defers `sql` to the transaction's next round trip. `onResult`, when given, receives the statement's own result
   * (rows, or the OK packet with its insertId) as soon as that round trip answers, before the statement that carried
   * it resolves: reads whose answer can wait (the snippet's token of a lease) ride along as well.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  later(sql: string, params?: unknown[], onResult?: (result: any) => void): void;
  /**
   * A read sent in the COMMIT's round trip, after the COMMIT (so it sees the transaction's writes as others will, and
   * others' commits up to then). `onResult` receives its rows. Only if the COMMIT went through.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  afterCommit(sql: string, params: unknown[], onResult: (rows: any) => void): void;
}

/** Runs `sql` now, or with the transaction's next round trip when the connection can defer it. */
export function writeLater(q: Sql | SqlTx, sql: string, params?: unknown[]): Promise<unknown> | void {
  if ('later' in q) return q.later(sql, params);
  return q.query(sql, params);
}

/**
 * One connection taken from the pool (for one transaction). Every round trip of the pool goes through `query`.
 * Statements deferred with `later` (START TRANSACTION, writes whose result is not read) are sent in the same packet as
 * the next statement, as one multi-statement: on this machine a round trip costs the API thread and MariaDB about
 * 50 µs of CPU each, whatever the statement. The answer is the last statement's; an error in any of them rejects.
 */
export class SqlConnection implements SqlTx {
  private pending: string[] = [];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private callbacks: (((result: any) => void) | undefined)[] = [];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private tail: { sql: string; params: unknown[]; onResult: (rows: any) => void } | null = null;

  constructor(readonly raw: PoolConnection) {}

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  later(sql: string, params?: unknown[], onResult?: (result: any) => void): void {
    this.pending.push(params ? this.raw.format(sql, params) : sql);
    this.callbacks.push(onResult);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query<T = any>(sql: string, params?: unknown[]): Promise<T> {
    if (this.pending.length) {
      const batch = [...this.pending, params ? this.raw.format(sql, params) : sql];
      const callbacks = this.callbacks;
      this.pending = [];
      this.callbacks = [];
      return this.send<unknown[]>(batch.join(';\n')).then((results) => {
        callbacks.forEach((f, i) => f?.(results[i]));
        return results[results.length - 1] as T;
      });
    }
    return this.send<T>(sql, params);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  afterCommit(sql: string, params: unknown[], onResult: (rows: any) => void): void {
    this.tail = { sql, params, onResult };
  }

  /** COMMIT, with the deferred statements before it and the afterCommit read (if any) after it, in one round trip. */
  async commit(): Promise<void> {
    const tail = this.tail;
    this.tail = null;
    if (!tail) {
      await this.query('COMMIT');
      return;
    }
    this.later('COMMIT');
    tail.onResult(await this.query(tail.sql, tail.params));
  }

  private send<T>(sql: string, params?: unknown[]): Promise<T> {
    return new Promise((resolve, reject) => {
      this.raw.query(sql, params, (err, rows) => (err ? reject(err) : resolve(rows as T)));
    });
  }

  /** Forgets deferred statements (after a failed statement: the transaction is rolled back). */
  discard(): void {
    this.pending = [];
    this.callbacks = [];
    this.tail = null;
  }
}

/** The isolation level of every transaction of this pool: the session default, set once per connection. */
export const SQL_POOL_ISOLATION = 'READ COMMITTED';

/**
 * A plain mysql2 pool beside TypeORM's, for the marking hot path (next and submit, hundreds a second). Same database,
 * credentials and conversions as the DataSource (utf8mb4, UTC, DECIMAL and BIGINT as strings), two differences:
 * - every connection's session default is READ COMMITTED, so a transaction is START TRANSACTION … COMMIT: TypeORM's
 *   `transaction('READ COMMITTED', …)` sends SET TRANSACTION ISOLATION LEVEL before each START TRANSACTION (two
 *   statements more per mark). TypeORM's own pool keeps the server default (REPEATABLE READ) for everything else.
 * - no query runner, entity manager or subscriber broadcast per statement: the API's CPU per mark is the limit at
 *   city load.
 * Errors are mysql2's own (`code`, e.g. ER_DUP_ENTRY), not TypeORM's QueryFailedError.
 */
export class SqlPool implements Sql {
  private readonly pool: Pool;

  constructor(ds: DataSource) {
    const o = ds.options as {
      host?: string;
      port?: number;
      socketPath?: string;
      username?: string;
      password?: string;
      database?: string;
      charset?: string;
      timezone?: string;
      supportBigNumbers?: boolean;
      bigNumberStrings?: boolean;
      extra?: unknown;
    };
    const extra = (o.extra ?? {}) as Record<string, unknown>;
    this.pool = mysql.createPool({
      host: o.host,
      port: o.port,
      socketPath: o.socketPath,
      user: o.username,
      password: o.password,
      database: o.database,
      charset: o.charset,
      timezone: o.timezone,
      supportBigNumbers: o.supportBigNumbers ?? true,
      bigNumberStrings: o.bigNumberStrings ?? true,
      stringifyObjects: true,
      ...extra,
      // For the deferred statements of SqlConnection only: every statement of this pool is a constant string with `?`
      // parameters, escaped by mysql2 exactly as a single statement's are; no SQL text is ever built from input.
      multipleStatements: true,
    });
    this.pool.on('connection', (c) => {
      // Queued on the connection before any statement of the caller that asked for it.
      c.query(`SET SESSION TRANSACTION ISOLATION LEVEL ${SQL_POOL_ISOLATION}`, (err) => {
        if (err) c.destroy();
      });
    });
  }

  private acquire(): Promise<SqlConnection> {
    return new Promise((resolve, reject) => {
      this.pool.getConnection((err, c) => (err ? reject(err) : resolve(new SqlConnection(c))));
    });
  }

  /** One statement on any free connection (autocommit). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async query<T = any>(sql: string, params?: unknown[]): Promise<T> {
    const c = await this.acquire();
    try {
      return await c.query<T>(sql, params);
    } finally {
      c.raw.release();
    }
  }

  /** `fn` inside one READ COMMITTED transaction: committed when it returns, rolled back when it throws. */
  async transaction<T>(fn: (q: SqlTx) => Promise<T>): Promise<T> {
    const c = await this.acquire();
    let reusable = true;
    try {
      // START TRANSACTION goes with the first statement, the last deferred writes with COMMIT.
      c.later('START TRANSACTION');
      try {
        const out = await fn(c);
        await c.commit();
        return out;
      } catch (e) {
        c.discard();
        await c.query('ROLLBACK').catch(() => (reusable = false));
        throw e;
      }
    } catch (e) {
      // A connection whose transaction state is unknown (lost mid-statement, failed rollback) never goes back.
      if ((e as { fatal?: boolean }).fatal) reusable = false;
      throw e;
    } finally {
      if (reusable) c.raw.release();
      else c.raw.destroy();
    }
  }

  end(): Promise<void> {
    return new Promise((resolve) => this.pool.end(() => resolve()));
  }
}
