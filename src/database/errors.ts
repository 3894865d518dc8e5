/** A write refused by a unique key (MySQL/MariaDB ER_DUP_ENTRY), as mysql2 raises it or TypeORM wraps it. */
export function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } };
  return e?.code === 'ER_DUP_ENTRY' || e?.driverError?.code === 'ER_DUP_ENTRY';
}
