/**
 * Field values in their canonical, connector-independent form, so that a
 * record read from SQLite compares equal to the same record read from
 * PostgreSQL or MariaDB.
 */

/**
 * The logical type of a field. Canonical values per type:
 * - `id`, `string`, `text`: string
 * - `integer`: number, or a decimal string beyond ±2^53
 * - `decimal`: string in plain notation, at the field's scale when known
 * - `float`: number
 * - `boolean`: boolean
 * - `date`: `YYYY-MM-DD`
 * - `datetime`: ISO 8601 in UTC, milliseconds, `Z`
 * - `time`: `HH:MM:SS`
 * - `json`: JSON text with object keys sorted
 * - `binary`: Uint8Array
 */
export type FieldType =
  | 'id'
  | 'string'
  | 'text'
  | 'integer'
  | 'decimal'
  | 'float'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'time'
  | 'json'
  | 'binary';

/** A canonical field value; `null` is SQL NULL or an empty API field. */
export type Value = string | number | boolean | null | Uint8Array;

/** Every field type, in a stable order (for schemas and generators). */
export const FIELD_TYPES: readonly FieldType[] = [
  'id',
  'string',
  'text',
  'integer',
  'decimal',
  'float',
  'boolean',
  'date',
  'datetime',
  'time',
  'json',
  'binary',
];

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** A datetime as canonical UTC ISO text. */
export function canonicalDatetime(value: Date | string | number): string {
  const date = value instanceof Date ? value : new Date(typeof value === 'string' ? normalizeDatetimeText(value) : value);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a date-time: ${String(value)}`);
  return date.toISOString();
}

/** SQL text like `2024-01-02 03:04:05` has no zone; cutover stores such values as UTC. */
function normalizeDatetimeText(text: string): string {
  const trimmed = text.trim();
  const withT = /^\d{4}-\d{2}-\d{2} \d/.test(trimmed) ? trimmed.replace(' ', 'T') : trimmed;
  if (/^\d{4}-\d{2}-\d{2}$/.test(withT)) return `${withT}T00:00:00Z`;
  const hasZone = /(Z|[+-]\d{2}(:?\d{2})?)$/i.test(withT);
  return hasZone ? withT : `${withT}Z`;
}

/** A date (no time) as `YYYY-MM-DD`; Date objects are read in UTC. */
export function canonicalDate(value: Date | string): string {
  if (value instanceof Date) {
    return `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
  }
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value.trim());
  if (!match) throw new RangeError(`not a date: ${value}`);
  return `${match[1]}-${match[2]}-${match[3]}`;
}

/** A decimal in plain notation, padded or rounded to `scale` when given. */
export function canonicalDecimal(value: string | number | bigint, scale?: number): string {
  let text = typeof value === 'number' ? numberToPlain(value, scale) : String(value).trim();
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text)) throw new RangeError(`not a decimal: ${String(value)}`);
  if (text.startsWith('+')) text = text.slice(1);
  let negative = false;
  if (text.startsWith('-')) {
    negative = true;
    text = text.slice(1);
  }
  let [whole = '0', fraction = ''] = text.split('.');
  whole = whole.replace(/^0+(?=\d)/, '') || '0';
  if (scale !== undefined) {
    fraction = fraction.length > scale ? roundFraction(whole, fraction, scale, (w) => (whole = w)) : fraction.padEnd(scale, '0');
  } else {
    fraction = fraction.replace(/0+$/, '');
  }
  const body = fraction ? `${whole}.${fraction}` : whole;
  return negative && /[1-9]/.test(body) ? `-${body}` : body;
}

function numberToPlain(value: number, scale?: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a decimal: ${value}`);
  if (scale !== undefined && scale <= 20) return value.toFixed(scale);
  const text = String(value);
  return /e/i.test(text) ? value.toFixed(20) : text;
}

function roundFraction(whole: string, fraction: string, scale: number, setWhole: (w: string) => void): string {
  const digits = (whole + fraction.slice(0, scale)).split('').map(Number);
  if (Number(fraction[scale]) >= 5) {
    let i = digits.length - 1;
    while (i >= 0) {
      const digit = (digits[i] ?? 0) + 1;
      if (digit < 10) {
        digits[i] = digit;
        break;
      }
      digits[i] = 0;
      i -= 1;
    }
    if (i < 0) digits.unshift(1);
  }
  const joined = digits.join('');
  const wholeLength = joined.length - scale;
  setWhole(joined.slice(0, wholeLength) || '0');
  return joined.slice(wholeLength);
}

/** JSON text with object keys sorted, so equal documents compare equal. */
export function canonicalJson(value: unknown): string {
  const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  return JSON.stringify(sortKeys(parsed));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** An integer as a number when safe, else as its decimal text. */
export function canonicalInteger(value: number | bigint | string): number | string {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new RangeError(`not an integer: ${value}`);
    return value;
  }
  const big = BigInt(value);
  return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(big) : big.toString();
}

/** Whether two canonical values are equal (binary compared byte by byte). */
export function valuesEqual(a: Value, b: Value): boolean {
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array && b instanceof Uint8Array) || a.length !== b.length) return false;
    return a.every((byte, i) => byte === b[i]);
  }
  return a === b;
}
