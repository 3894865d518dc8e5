import { Inject, Injectable } from '@nestjs/common';
import { SqlPool } from './sql-pool.js';

/** Readiness of the database (GET /ready): one `SELECT 1` on the pool the requests use. */
@Injectable()
export class DatabaseHealth {
  constructor(@Inject(SqlPool) private readonly sql: SqlPool) {}

  async ping(): Promise<void> {
    await this.sql.query('SELECT 1');
  }
}
