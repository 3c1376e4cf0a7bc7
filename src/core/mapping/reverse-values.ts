/**
 * Values going back: a target value made a source field's canonical value,
 * exact division for `scale`, and sets of candidate source values (what a
 * value map or a default leaves open) with their intersection and union.
 */
import { canonicalDate, canonicalDecimal, valuesEqual, type Value } from '../values.js';
import type { DescribedField } from './described-system.js';
import { toTargetValue } from './target-value.js';
import { decimalText } from './transform-number.js';

/** A value for messages: text quoted, binary by its size. */
export function show(value: Value): string {
  return value instanceof Uint8Array ? `binary data (${value.length} bytes)` : JSON.stringify(value);
}

/** Values as a list for messages: `"a", "b" or "c"`. */
export function showList(values: readonly Value[]): string {
  const shown = values.map((value) => (value === null ? 'empty' : show(value)));
  return shown.length <= 1 ? (shown[0] ?? 'nothing') : `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}`;
}

/**
 * A target value as a source field's canonical value. `approximate` says
 * what the conversion dropped (a time of day, digits beyond the scale);
 * `lossy` that the value is given although the source cannot hold all of it
 * (text cut to the field's length). Fails for values the field cannot take.
 */
export type SourceValue = { ok: true; value: Value; approximate?: string; lossy?: string } | { ok: false; reason: string };

const DATETIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)/;
const WHOLE_DECIMAL = /^\s*([+-]?\d+)(?:\.0*)?\s*$/;

/** Converts a value (from the target, or a map key) into the source field's type, checking its length and picklist. */
export function toSourceValue(value: Value, field: DescribedField): SourceValue {
  if (value === null) return { ok: true, value: null };
  let input: Value = value;
  let approximate: string | undefined;
  if (field.type === 'date' && typeof value === 'string') {
    const match = DATETIME.exec(value.trim());
    if (match) {
      input = match[1] as string;
      if (!/^00:00(:00(\.0+)?)?$/.test(match[2] as string)) approximate = `the time of day of ${show(value)} is dropped: ${field.name} holds a date`;
      else input = canonicalDate(match[1] as string);
    }
  }
  if (field.type === 'integer' && typeof value === 'string') {
    const whole = WHOLE_DECIMAL.exec(value);
    if (whole) input = whole[1] as string;
  }
  const converted = toTargetValue(input, field);
  if (!converted.ok) {
    if (converted.rule === 'length') {
      const cut = toTargetValue(input, field, { truncate: true });
      if (cut.ok) return { ok: true, value: cut.value, lossy: `${show(value)} is longer than ${field.name} holds (${field.length} characters): cut to fit` };
    }
    return { ok: false, reason: converted.message.replace(/; map it with map\/otherwise$/, '').replace(/ \(truncate: true cuts it\)$/, '') };
  }
  if (field.type === 'decimal' && typeof converted.value === 'string') {
    const before = decimalText(input);
    if (before !== undefined && canonicalDecimal(before) !== canonicalDecimal(converted.value)) approximate = `${show(value)} is rounded to ${converted.value} (${field.name} keeps ${field.scale ?? 0} decimal places)`;
  }
  return approximate === undefined ? { ok: true, value: converted.value } : { ok: true, value: converted.value, approximate };
}

/** Digits after the point a division is carried to when it does not end. */
const DIVISION_PLACES = 20;

/** A decimal as an integer of its digits and the number of digits after the point. */
function digitsOf(text: string): { digits: bigint; scale: number } {
  const negative = text.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const digits = BigInt(`${whole}${fraction}` || '0');
  return { digits: negative ? -digits : digits, scale: fraction.length };
}

/**
 * `value ÷ factor` in decimal arithmetic, as plain decimal text: exact when
 * the quotient ends, else rounded half away from zero to 20 places
 * (`exact: false`). Undefined when the value is not a number.
 */
export function divideDecimal(value: Value, factor: number): { value: string; exact: boolean } | undefined {
  const text = decimalText(value);
  if (text === undefined || factor === 0 || !Number.isFinite(factor)) return undefined;
  const a = digitsOf(text);
  const b = digitsOf(canonicalDecimal(factor));
  let numerator = a.digits * 10n ** BigInt(b.scale + DIVISION_PLACES);
  let denominator = b.digits * 10n ** BigInt(a.scale);
  if (denominator < 0n) {
    numerator = -numerator;
    denominator = -denominator;
  }
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  let quotient = magnitude / denominator;
  const remainder = magnitude % denominator;
  if (remainder * 2n >= denominator) quotient += 1n;
  const body = quotient.toString().padStart(DIVISION_PLACES + 1, '0');
  const plain = `${body.slice(0, body.length - DIVISION_PLACES)}.${body.slice(body.length - DIVISION_PLACES)}`;
  return { value: canonicalDecimal(negative ? `-${plain}` : plain), exact: remainder === 0n };
}

/**
 * Source values a target value may have come from: exactly these (`only`),
 * or any value but these (`except`, what `otherwise` leaves open).
 */
export type CandidateSet = { only: Value[] } | { except: Value[] };

function has(values: readonly Value[], value: Value): boolean {
  return values.some((candidate) => valuesEqual(candidate, value));
}

/** The values in a list once each, in their first order. */
export function distinct(values: readonly Value[]): Value[] {
  const out: Value[] = [];
  for (const value of values) if (!has(out, value)) out.push(value);
  return out;
}

/** Whether a value is among the candidates. */
export function inSet(set: CandidateSet, value: Value): boolean {
  return 'only' in set ? has(set.only, value) : !has(set.except, value);
}

/** The values both sets allow. */
export function intersect(a: CandidateSet, b: CandidateSet): CandidateSet {
  if ('only' in a) return { only: a.only.filter((value) => inSet(b, value)) };
  if ('only' in b) return { only: b.only.filter((value) => inSet(a, value)) };
  return { except: distinct([...a.except, ...b.except]) };
}

/** The values either set allows. */
export function union(a: CandidateSet, b: CandidateSet): CandidateSet {
  if ('only' in a && 'only' in b) return { only: distinct([...a.only, ...b.only]) };
  if ('except' in a && 'except' in b) return { except: a.except.filter((value) => has(b.except, value)) };
  const only = 'only' in a ? a.only : (b as { only: Value[] }).only;
  const except = 'except' in a ? a.except : (b as { except: Value[] }).except;
  return { except: except.filter((value) => !has(only, value)) };
}

/** The single value a set allows, if it allows exactly one. */
export function single(set: CandidateSet): { value: Value } | undefined {
  return 'only' in set && set.only.length === 1 ? { value: set.only[0] as Value } : undefined;
}
