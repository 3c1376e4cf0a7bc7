/** Which source field types go into which target field types without a conversion rule, and which rule converts the others. */
import type { FieldType } from '../values.js';

const TEXT: readonly FieldType[] = ['id', 'string', 'text'];
const NUMBER: readonly FieldType[] = ['integer', 'decimal', 'float'];

/** The field types that hold text. */
export function isTextType(type: FieldType): boolean {
  return TEXT.includes(type);
}

/** The field types that hold numbers. */
export function isNumberType(type: FieldType): boolean {
  return NUMBER.includes(type);
}

/**
 * Whether a value of type `from` goes into a field of type `to` as it is:
 * anything but binary into text; whole numbers into any number and into
 * booleans (1/0); decimals and floats into decimals and floats (rounded to
 * the scale); booleans into whole numbers; dates into datetimes (midnight
 * UTC); otherwise only the same type.
 */
export function convertsImplicitly(from: FieldType, to: FieldType): boolean {
  if (from === to) return true;
  if (isTextType(to)) return from !== 'binary';
  switch (to) {
    case 'integer':
      return from === 'boolean';
    case 'decimal':
    case 'float':
      return isNumberType(from);
    case 'boolean':
      return from === 'integer';
    case 'datetime':
      return from === 'date';
    default:
      return false;
  }
}

/** What to write in the plan to put a `from` value into a `to` field, when {@link convertsImplicitly} says no. */
export function conversionHint(from: FieldType, to: FieldType): string {
  if ((to === 'date' || to === 'datetime' || to === 'time') && (isTextType(from) || from === 'date' || from === 'datetime')) {
    return `add a date rule, e.g. date: { timezone: UTC${isTextType(from) ? ', format: DD.MM.YYYY' : ''} }`;
  }
  if (to === 'integer' && (from === 'decimal' || from === 'float')) return 'add scale: 1 to round it to a whole number';
  if (isNumberType(to) && isTextType(from)) return 'add scale: 1 to read numbers written as text, or a map';
  return 'add a map from the source values to target values, or give a constant with value:';
}
