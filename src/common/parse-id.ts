import { BadRequestException } from '@nestjs/common';

/**
 * An optional id from a query string or a body (`?schoolId=3`, `{ "studentId": "3" }`): null when absent, the
 * number when it is a positive integer, a 400 naming the field in Chinese otherwise.
 */
export function parseOptionalId(raw: unknown, what: string): number | null {
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (v === undefined || v === null || v === '') return null;
  const s = String(v).trim();
  if (!/^\d{1,10}$/.test(s) || Number(s) <= 0) throw new BadRequestException(`${what}“${s}”无效`);
  return Number(s);
}
