// Column helpers shared by entities: exact decimals for scores, JSON that works on MariaDB and MySQL 8.
import { Column, ColumnOptions, ValueTransformer } from 'typeorm';

/** DECIMAL in the database, number in code. mysql2 returns DECIMAL as a string; we parse it exactly. */
export const decimalTransformer: ValueTransformer = {
  to: (v: number | null | undefined) => (v === null || v === undefined ? v : v),
  from: (v: string | null) => (v === null || v === undefined ? null : Number(v)),
};

export function ScoreColumn(options: ColumnOptions = {}) {
  return Column({ type: 'decimal', precision: 7, scale: 2, transformer: decimalTransformer, ...options });
}

/** JSON stored as LONGTEXT: MariaDB's JSON is an alias of LONGTEXT anyway, and this parses the same on MySQL 8. */
export const jsonTransformer: ValueTransformer = {
  to: (v: unknown) => (v === undefined ? undefined : v === null ? null : JSON.stringify(v)),
  from: (v: string | null) => (v === null || v === undefined ? null : JSON.parse(v)),
};

export function JsonColumn(options: ColumnOptions = {}) {
  return Column({ type: 'longtext', transformer: jsonTransformer, ...options });
}
