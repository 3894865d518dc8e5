// Transactions as services see them: a service decides what must happen together and runs it in a UnitOfWork; the
// repositories it calls inside receive the transaction (Tx) and reach its connection with sqlOf / managerOf. A Tx is
// opaque to everyone else: a service cannot send SQL through it (tools/check-architecture.mjs, rule data-layer).
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { type Sql, SqlPool, type SqlTx } from './sql-pool.js';

declare const TX: unique symbol;

type IsolationLevel = 'READ UNCOMMITTED' | 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

/** A transaction in progress, handed from a service to the repositories it calls. */
export interface Tx {
  readonly [TX]: true;
}

/** The two kinds of transaction behind a Tx: the SqlPool's (READ COMMITTED, deferred writes) or TypeORM's. */
class TxHandle {
  constructor(
    readonly sql: SqlTx | null,
    readonly manager: EntityManager | null,
  ) {}
}

const asTx = (h: TxHandle) => h as unknown as Tx;
const handleOf = (tx: Tx): TxHandle => {
  if (!(tx instanceof TxHandle)) throw new Error('not a transaction of UnitOfWork');
  return tx;
};

/** For repositories: the SqlPool connection of a transaction opened by `UnitOfWork.run`. */
export function sqlOf(tx: Tx): SqlTx {
  const h = handleOf(tx);
  if (!h.sql) throw new Error('this repository method needs a SqlPool transaction (UnitOfWork.run)');
  return h.sql;
}

/** For repositories: the TypeORM manager of a transaction opened by `UnitOfWork.runOrm`. */
export function managerOf(tx: Tx): EntityManager {
  const h = handleOf(tx);
  if (!h.manager) throw new Error('this repository method needs a TypeORM transaction (UnitOfWork.runOrm)');
  return h.manager;
}

/** For repositories whose statement runs on either kind: something to send SQL with `?` parameters through. */
export function queryOf(tx: Tx): Sql {
  const h = handleOf(tx);
  return (h.sql ?? h.manager)!;
}

/**
 * For repositories: a write whose result nobody reads rides with the transaction's next round trip on the SqlPool
 * (see SqlTx.later), and runs at once in a TypeORM transaction.
 */
export function writeWith(tx: Tx, sql: string, params?: unknown[]): Promise<unknown> | void {
  const h = handleOf(tx);
  if (h.sql) return h.sql.later(sql, params);
  return h.manager!.query(sql, params);
}

@Injectable()
export class UnitOfWork {
  constructor(
    @Inject(SqlPool) private readonly pool: SqlPool,
    @Inject(DataSource) private readonly ds: DataSource,
  ) {}

  /** `fn` in one READ COMMITTED transaction on the SqlPool: committed when it returns, rolled back when it throws. */
  run<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.pool.transaction((q) => fn(asTx(new TxHandle(q, null))));
  }

  /** `fn` in one TypeORM transaction (the server's default isolation unless one is named). */
  runOrm<T>(fn: (tx: Tx) => Promise<T>, isolation?: IsolationLevel): Promise<T> {
    const body = (m: EntityManager) => fn(asTx(new TxHandle(null, m)));
    return isolation ? this.ds.transaction(isolation, body) : this.ds.transaction(body);
  }
}

/** For repositories that run outside any transaction but can take part in one: the manager to use. */
export function managerOr(tx: Tx | undefined, ds: DataSource): EntityManager {
  return tx ? managerOf(tx) : ds.manager;
}
