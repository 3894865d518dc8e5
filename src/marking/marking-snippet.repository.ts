import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { SqlPool } from '../database/sql-pool.js';
import { sqlOf, type Tx } from '../database/unit-of-work.js';
import { AnswerSnippet } from '../scans/entities/answer-snippet.entity.js';

/** The statements, checked in as text (queries/marking-snippet.repository.sql): a change shows in review. */
export const SQL = {
  token: 'SELECT token FROM answer_snippet WHERE id = ?',
};

/**
 * The answer snippets as marking reads them (scans/ owns and writes the table): a snippet's token for the marker's
 * page, a snippet by its token for its image and for arbitration.
 */
@Injectable()
export class MarkingSnippetRepository {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(SqlPool) private readonly sql: SqlPool,
  ) {}

  /** The snippet's token, read with the transaction's next round trip (the COMMIT, on a lease). */
  tokenLater(tx: Tx, snippetId: number, onRows: (rows: { token: string }[]) => void): void {
    sqlOf(tx).later(SQL.token, [snippetId], onRows);
  }

  /** The snippet's token (autocommit, on the hot path's pool). */
  token(snippetId: number): Promise<{ token: string }[]> {
    return this.sql.query(SQL.token, [snippetId]);
  }

  byToken(token: string): Promise<AnswerSnippet | null> {
    return this.ds.getRepository(AnswerSnippet).findOneBy({ token });
  }

  /** The ids of the snippets with these tokens. */
  async idsOf(tokens: string[]): Promise<number[]> {
    if (!tokens.length) return [];
    return (await this.ds.getRepository(AnswerSnippet).findBy({ token: In(tokens) })).map((s) => s.id);
  }
}
