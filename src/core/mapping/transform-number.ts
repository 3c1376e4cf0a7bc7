/** The `scale` rule: multiplies a number exactly (decimal arithmetic, no binary rounding) and rounds to the target's scale. */
import { canonicalDecimal, type Value } from '../values.js';

/** Outcome of {@link scaleNumber}. */
export type ScaleOutcome = { ok: true; value: string } | { ok: false; message: string };

/** A decimal as an integer of its digits and the number of digits after the point. */
function digitsOf(text: string): { digits: bigint; scale: number } {
  const negative = text.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const digits = BigInt(`${whole}${fraction}` || '0');
  return { digits: negative ? -digits : digits, scale: fraction.length };
}

/** A number, a decimal or numeric text as plain decimal text; undefined when it is not a number. */
export function decimalText(value: Value): string | undefined {
  if (typeof value === 'number' || typeof value === 'string') {
    try {
      return canonicalDecimal(typeof value === 'string' ? value.trim() : value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * `value × factor`, exactly, as plain decimal text rounded half away from
 * zero to `scale` digits after the point (0 for integers); unrounded when
 * `scale` is undefined (float targets).
 */
export function scaleNumber(value: Value, factor: number, scale: number | undefined): ScaleOutcome {
  const text = decimalText(value);
  if (text === undefined) {
    return { ok: false, message: `${value instanceof Uint8Array ? 'binary data' : JSON.stringify(value)} is not a number` };
  }
  const a = digitsOf(text);
  const b = digitsOf(canonicalDecimal(factor));
  const product = a.digits * b.digits;
  const places = a.scale + b.scale;
  const negative = product < 0n;
  const body = (negative ? -product : product).toString().padStart(places + 1, '0');
  const plain = places > 0 ? `${body.slice(0, body.length - places)}.${body.slice(body.length - places)}` : body;
  return { ok: true, value: canonicalDecimal(negative ? `-${plain}` : plain, scale) };
}
