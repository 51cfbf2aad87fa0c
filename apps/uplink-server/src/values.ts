/**
 * Small value helpers the server shares: text made safe for PostgreSQL (TEXT and JSONB refuse NUL and lone
 * UTF-16 surrogates, and one refused row would fail a whole group commit), RFC 3339 instants as JavaScript
 * dates (a leap second included), and the numbers the two SQL drivers return in different types.
 */
import { MurmurError } from '@murmur/core';

// eslint-disable-next-line no-control-regex -- NUL is what it finds
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `s` with NUL characters and lone surrogates replaced by U+FFFD, so PostgreSQL stores it as given. */
export function cleanText(s: string): string {
  return s.replace(UNSTORABLE, '\ufffd');
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Earliest and latest year a stored instant may have (PostgreSQL's text form has no year 0 or 5 digits). */
export const INSTANT_YEARS = { min: 1970, max: 9999 } as const;

/**
 * The instant an RFC 3339 date-time names, to the millisecond (finer fractions are cut; second 60, a leap
 * second, is the first millisecond of the next minute). Undefined for text that is not RFC 3339, names no
 * real day, or lies outside the years 1970..9999.
 */
export function instantOf(text: string): Date | undefined {
  const m = text.length <= 64 ? RFC3339.exec(text) : null;
  if (!m) return undefined;
  const n = (i: number): number => Number(m[i]);
  const [year, month, day, hour, minute, second] = [n(1), n(2), n(3), n(4), n(5), n(6)];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCMonth() !== month - 1) return undefined; // 31 April, 29 February of a common year
  const ms = Number(((m[7] ?? '') + '000').slice(0, 3));
  const offsetMin = m[8] ? 0 : (m[9] === '-' ? -1 : 1) * (n(10) * 60 + n(11));
  if (!m[8] && (n(10) > 23 || n(11) > 59)) return undefined;
  date.setUTCHours(hour, minute - offsetMin, second, ms);
  const y = date.getUTCFullYear();
  return y >= INSTANT_YEARS.min && y <= INSTANT_YEARS.max ? date : undefined;
}

/** The instant of `text` (see `instantOf`), or a MurmurError naming `field`. */
export function requireInstant(text: string, field: string): Date {
  const date = instantOf(text);
  if (!date)
    throw new MurmurError(
      `expected an RFC 3339 date-time in the years ${INSTANT_YEARS.min}..${INSTANT_YEARS.max}`,
      { field },
    );
  return date;
}

/** A number from a driver's row value: PGlite returns BIGINT as a number, node-postgres as a string. */
export function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}

/** A number or null from a nullable column. */
export function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : num(v);
}

/** An ISO 8601 string from a timestamp column (a Date from both drivers; text tolerated). */
export function iso(v: unknown): string {
  return (v instanceof Date ? v : new Date(String(v))).toISOString();
}
