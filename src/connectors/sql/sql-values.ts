/**
 * Converting between what SQL drivers return (numbers, bigints, strings,
 * Dates, Buffers) and canonical values. Dialects call these after handling
 * their own quirks, so every database reads the same record the same way.
 */
import type { FieldDescription } from '../contract.js';
import { canonicalDate, canonicalDatetime, canonicalDecimal, canonicalInteger, canonicalJson, type Value } from '../../core/values.js';

const CANONICAL_DATETIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;
const CANONICAL_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** A raw driver value as the canonical value for the field's type. */
export function decodeValue(raw: unknown, field: FieldDescription): Value {
  if (raw === null || raw === undefined) return null;
  switch (field.type) {
    case 'id':
    case 'string':
    case 'text':
      return raw instanceof Uint8Array ? Buffer.from(raw).toString('utf8') : typeof raw === 'string' ? raw : String(raw);
    case 'integer':
      if (typeof raw === 'boolean') return raw ? 1 : 0;
      return canonicalInteger(typeof raw === 'number' || typeof raw === 'bigint' ? raw : String(raw));
    case 'decimal':
      return canonicalDecimal(typeof raw === 'number' || typeof raw === 'bigint' ? raw : String(raw), field.scale);
    case 'float':
      return typeof raw === 'number' ? raw : Number(raw);
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      if (typeof raw === 'number' || typeof raw === 'bigint') return Number(raw) !== 0;
      return ['1', 'true', 't', 'yes', 'y'].includes(String(raw).toLowerCase());
    case 'date':
      if (typeof raw === 'string' && CANONICAL_DATE.test(raw)) return raw;
      return canonicalDate(raw instanceof Date ? raw : String(raw));
    case 'datetime':
      // What cutover wrote is already canonical; parsing it again is most of the cost of reading a row.
      if (typeof raw === 'string' && CANONICAL_DATETIME.test(raw)) return raw;
      if (typeof raw === 'number' || typeof raw === 'bigint') {
        // Epoch numbers: seconds when small, milliseconds otherwise.
        const n = Number(raw);
        return canonicalDatetime(Math.abs(n) < 1e11 ? n * 1000 : n);
      }
      return canonicalDatetime(raw instanceof Date ? raw : String(raw));
    case 'time':
      return String(raw);
    case 'json':
      try {
        return canonicalJson(typeof raw === 'string' ? raw : Buffer.isBuffer(raw) ? raw.toString('utf8') : JSON.stringify(raw));
      } catch {
        return String(raw);
      }
    case 'binary':
      return raw instanceof Uint8Array ? new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength) : new Uint8Array(Buffer.from(String(raw)));
  }
}

/**
 * A canonical value checked and normalized for the field's type, before a
 * dialect binds it. Throws a RangeError naming the problem for a value of the
 * wrong shape.
 */
export function normalizeForField(value: Value, field: FieldDescription): Value {
  if (value === null) return null;
  switch (field.type) {
    case 'id':
    case 'string':
    case 'text':
      if (value instanceof Uint8Array) throw new RangeError('expected text, got binary data');
      return String(value);
    case 'integer': {
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (value instanceof Uint8Array) throw new RangeError('expected an integer, got binary data');
      if (typeof value === 'string' && !/^-?\d+$/.test(value.trim())) throw new RangeError(`expected an integer, got "${value}"`);
      return canonicalInteger(typeof value === 'string' ? value.trim() : value);
    }
    case 'decimal':
      if (typeof value === 'boolean' || value instanceof Uint8Array) throw new RangeError(`expected a decimal, got ${typeof value}`);
      return canonicalDecimal(value, field.scale);
    case 'float': {
      const n = typeof value === 'number' ? value : Number(value);
      if (typeof value === 'boolean' || !Number.isFinite(n)) throw new RangeError(`expected a number, got "${String(value)}"`);
      return n;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 1 || value === 0) return value === 1;
      if (typeof value === 'string' && ['true', 'false', '1', '0'].includes(value.toLowerCase())) return ['true', '1'].includes(value.toLowerCase());
      throw new RangeError(`expected true or false, got "${String(value)}"`);
    case 'date':
      if (typeof value !== 'string') throw new RangeError(`expected a date (YYYY-MM-DD), got ${typeof value}`);
      return CANONICAL_DATE.test(value) ? value : canonicalDate(value);
    case 'datetime':
      if (typeof value !== 'string' && typeof value !== 'number') throw new RangeError(`expected a date-time, got ${typeof value}`);
      return typeof value === 'string' && CANONICAL_DATETIME.test(value) ? value : canonicalDatetime(value);
    case 'time':
      if (typeof value !== 'string' || !/^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) throw new RangeError(`expected a time (HH:MM:SS), got "${String(value)}"`);
      return value.length === 5 ? `${value}:00` : value;
    case 'json':
      if (typeof value !== 'string') return canonicalJson(value);
      try {
        return canonicalJson(value);
      } catch {
        throw new RangeError('expected JSON text');
      }
    case 'binary':
      if (!(value instanceof Uint8Array)) throw new RangeError('expected binary data');
      return value;
  }
}

/** Splits `varchar(255)` or `numeric(12, 2)` into base name and numeric arguments. */
export function parseNativeType(nativeType: string): { base: string; args: number[] } {
  const match = /^\s*([^(]+?)\s*(?:\(([^)]*)\))?\s*(unsigned|zerofill|\s)*$/i.exec(nativeType);
  const base = (match?.[1] ?? nativeType).trim().toLowerCase();
  const args = (match?.[2] ?? '')
    .split(',')
    .map((part) => Number(part.trim()))
    .filter((n) => Number.isFinite(n) && n > 0);
  return { base, args };
}

/** Values of a `CHECK (col IN ('a', 'b'))`-style constraint on one column, from DDL text. */
export function checkInValues(ddl: string, column: string): string[] | undefined {
  const escaped = column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`CHECK\\s*\\(\\s*[\`"\\[]?${escaped}[\`"\\]]?\\s+IN\\s*\\(((?:\\s*'(?:[^']|'')*'\\s*,?)+)\\)\\s*\\)`, 'i');
  const match = pattern.exec(ddl);
  if (!match) return undefined;
  return [...(match[1] as string).matchAll(/'((?:[^']|'')*)'/g)].map((m) => (m[1] as string).replace(/''/g, "'"));
}

/** A string literal for DDL (defaults, CHECK lists). */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
