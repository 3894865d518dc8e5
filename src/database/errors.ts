/** A write refused by a unique key (MySQL/MariaDB ER_DUP_ENTRY), as mysql2 raises it or TypeORM wraps it. */
export function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } };
  return e?.code === 'ER_DUP_ENTRY' || e?.driverError?.code === 'ER_DUP_ENTRY';
}

/** A delete refused by a foreign key that still points at the row (ER_ROW_IS_REFERENCED_2, ON DELETE RESTRICT). */
export function isRestricted(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } };
  const code = e?.code ?? e?.driverError?.code;
  return code === 'ER_ROW_IS_REFERENCED_2' || code === 'ER_ROW_IS_REFERENCED';
}
