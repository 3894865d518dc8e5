import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export type GenerationKind = 'results' | 'report' | 'reread';

/** The statements, checked in as text (queries/job-generation.repository.sql): a change shows in review. */
export const SQL = {
  // One statement: the row's new value comes back as the insert id (LAST_INSERT_ID(expr)), on the same connection.
  next:
    'INSERT INTO job_generation (kind, subject, generation) VALUES (?, ?, LAST_INSERT_ID(1)) ' +
    'ON DUPLICATE KEY UPDATE generation = LAST_INSERT_ID(generation + 1)',
  current: 'SELECT generation FROM job_generation WHERE kind = ? AND subject = ?',
};

/** The job_generation table: the latest generation of each debounced job (entities/job-generation.entity.ts). */
@Injectable()
export class JobGenerationRepository {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  /** The next generation of this work (1 the first time), taken atomically. */
  async next(kind: GenerationKind, subject: string): Promise<number> {
    const result = (await this.ds.query(SQL.next, [kind, subject])) as { insertId: number | string };
    return Number(result.insertId);
  }

  /** The latest generation taken (0: none yet). */
  async current(kind: GenerationKind, subject: string): Promise<number> {
    const rows: { generation: number | string }[] = await this.ds.query(SQL.current, [kind, subject]);
    return rows.length ? Number(rows[0].generation) : 0;
  }
}
