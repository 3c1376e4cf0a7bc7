/**
 * The last step of every field rule: a value becomes the target field's
 * canonical type, within its length and picklist.
 */
import { canonicalDate, canonicalDatetime, canonicalDecimal, canonicalInteger, canonicalJson, type Value } from '../values.js';
import type { DescribedField } from './described-system.js';
import { characterLength, truncateText } from './transform-text.js';

/** Outcome of {@link toTargetValue}; a failure names the rule (`type`, `length`, `picklist`). */
export type TargetOutcome = { ok: true; value: Value } | { ok: false; rule: 'type' | 'length' | 'picklist'; message: string };

const show = (value: Value): string => (value instanceof Uint8Array ? `binary data (${value.length} bytes)` : JSON.stringify(value));

function typeError(value: Value, field: DescribedField, why = ''): TargetOutcome {
  return { ok: false, rule: 'type', message: `${show(value)} cannot go into ${field.name} (${field.type})${why ? `: ${why}` : ''}` };
}

function convert(value: Exclude<Value, null>, field: DescribedField): TargetOutcome {
  try {
    switch (field.type) {
      case 'id':
      case 'string':
      case 'text':
        if (value instanceof Uint8Array) return typeError(value, field);
        return { ok: true, value: String(value) };
      case 'integer':
        if (typeof value === 'boolean') return { ok: true, value: value ? 1 : 0 };
        if (typeof value === 'number') return Number.isInteger(value) ? { ok: true, value } : typeError(value, field, 'not a whole number (scale: 1 rounds it)');
        if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return { ok: true, value: canonicalInteger(value.trim()) };
        return typeError(value, field, typeof value === 'string' && /^\s*[+-]?\d*\.\d+\s*$/.test(value) ? 'not a whole number (scale: 1 rounds it)' : 'not a whole number');
      case 'decimal': {
        if (typeof value !== 'number' && typeof value !== 'string') return typeError(value, field);
        const text = canonicalDecimal(typeof value === 'string' ? value.trim() : value, field.scale);
        if (field.precision !== undefined) {
          const whole = text.replace(/^-/, '').split('.')[0] as string;
          const allowed = field.precision - (field.scale ?? 0);
          if (whole.replace(/^0+/, '').length > allowed) return typeError(value, field, `more than ${allowed} digits before the point`);
        }
        return { ok: true, value: text };
      }
      case 'float': {
        const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
        return Number.isFinite(number) ? { ok: true, value: number } : typeError(value, field, 'not a number');
      }
      case 'boolean':
        if (typeof value === 'boolean') return { ok: true, value };
        if (value === 1 || value === '1' || value === 'true') return { ok: true, value: true };
        if (value === 0 || value === '0' || value === 'false') return { ok: true, value: false };
        return typeError(value, field, 'expected true/false or 1/0');
      case 'date':
        if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value.trim())) return typeError(value, field, 'expected YYYY-MM-DD (a date rule converts other text and datetimes)');
        return { ok: true, value: canonicalDate(value) };
      case 'datetime':
        if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)?)?$/i.test(value.trim())) {
          return typeError(value, field, 'expected an ISO 8601 date-time (a date rule converts other text)');
        }
        return { ok: true, value: canonicalDatetime(value) };
      case 'time': {
        const match = typeof value === 'string' ? /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim()) : null;
        if (!match || Number(match[1]) > 23 || Number(match[2]) > 59 || Number(match[3] ?? 0) > 59) return typeError(value, field, 'expected HH:MM:SS');
        return { ok: true, value: `${match[1]}:${match[2]}:${match[3] ?? '00'}` };
      }
      case 'json':
        if (typeof value !== 'string') return typeError(value, field, 'expected JSON text');
        return { ok: true, value: canonicalJson(value) };
      case 'binary':
        return value instanceof Uint8Array ? { ok: true, value } : typeError(value, field);
    }
  } catch (error) {
    return typeError(value, field, (error as Error).message);
  }
}

/**
 * Converts a value to the target field's canonical type, then checks it:
 * text longer than the field's length fails (`length`) unless `truncate`
 * cuts it; a value outside the field's picklist fails (`picklist`). Null
 * passes (nullability is the caller's check).
 */
export function toTargetValue(value: Value, field: DescribedField, options: { truncate?: boolean } = {}): TargetOutcome {
  if (value === null) return { ok: true, value: null };
  const converted = convert(value, field);
  if (!converted.ok || typeof converted.value !== 'string') return converted;
  let text = converted.value;
  if (field.length !== undefined && (field.type === 'string' || field.type === 'text' || field.type === 'id') && text.length > field.length) {
    const length = characterLength(text);
    if (length > field.length) {
      if (!options.truncate) {
        return { ok: false, rule: 'length', message: `${length} characters; ${field.name} holds at most ${field.length} (truncate: true cuts it)` };
      }
      text = truncateText(text, field.length);
    }
  }
  if (field.picklistValues && field.picklistValues.length > 0 && !field.picklistValues.includes(text)) {
    return { ok: false, rule: 'picklist', message: `${JSON.stringify(text)} is not a value of ${field.name} (${field.picklistValues.map((v) => JSON.stringify(v)).join(', ')}); map it with map/otherwise` };
  }
  return { ok: true, value: text };
}
