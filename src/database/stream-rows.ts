import type { EntityManager } from 'typeorm';

/**
 * Streams a query's rows to a callback inside a TypeORM transaction: millions of rows without holding them all (nor
 * one big GROUP_CONCAT).
 */
export async function eachRow<T>(
  m: EntityManager,
  sql: string,
  params: unknown[],
  onRow: (row: T) => void,
): Promise<void> {
  const stream = await m.queryRunner!.stream(sql, params);
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (row) => onRow(row as T));
    stream.on('end', () => resolve());
    stream.on('error', reject);
  });
}
