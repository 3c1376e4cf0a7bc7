/**
 * A column default as a database states it (`0`, `'Open'`, `(false)`,
 * `'USD'::character varying`, `b'1'`), read as a plain value when it is a
 * literal. An expression (`CURRENT_TIMESTAMP`, `nextval(…)`, a function
 * call) is not a value and gives `undefined`: it cannot be carried to
 * another database as is.
 */
import type { FieldType, Value } from './values.js';

/** The literal value of a default expression for a field of `type`, or undefined when it is not a literal. */
export function literalDefault(expression: string | null | undefined, type: FieldType): Exclude<Value, Uint8Array | null> | undefined {
  if (expression === undefined || expression === null) return undefined;
  let text = expression.trim();
  // Parentheses around a literal, and PostgreSQL's cast of it.
  for (;;) {
    const inner = text.replace(/^\((.*)\)$/s, '$1').replace(/::[a-z ]+(\(\d+(,\s*\d+)?\))?$/i, '').trim();
    if (inner === text) break;
    text = inner;
  }
  if (/^null$/i.test(text)) return undefined;
  const quoted = /^'((?:[^']|'')*)'$/s.exec(text);
  const raw = quoted ? quoted[1]!.replace(/''/g, "'") : text;
  if (type === 'boolean') {
    if (/^(1|true|b'1'|t)$/i.test(text) || (quoted && /^(1|true|t)$/i.test(raw))) return true;
    if (/^(0|false|b'0'|f)$/i.test(text) || (quoted && /^(0|false|f)$/i.test(raw))) return false;
    return undefined;
  }
  if (type === 'integer' || type === 'decimal' || type === 'float') {
    return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : undefined;
  }
  if (type === 'string' || type === 'text') return quoted ? raw : /^-?\d+(\.\d+)?$/.test(text) ? text : undefined;
  return undefined;
}
