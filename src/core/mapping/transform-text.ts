/** The text rules of a field mapping: `concat`, `split`, `trim`, `case`, `truncate`. Pure functions on canonical values. */
import type { Value } from '../values.js';

/** A value as text for the text rules: numbers and booleans as written, null stays null; binary has no text. */
export function textOf(value: Value): string | null {
  if (value === null) return null;
  if (value instanceof Uint8Array) throw new TypeError('binary values have no text');
  return String(value);
}

/** `concat`: the non-empty values joined by `separator`; null when all are null or empty. */
export function concatValues(values: readonly Value[], separator: string): string | null {
  const parts: string[] = [];
  for (const value of values) {
    const text = textOf(value);
    if (text !== null && text.trim() !== '') parts.push(text);
  }
  return parts.length > 0 ? parts.join(separator) : null;
}

/**
 * `split`: part `index` of the text cut at `separator` (0 the first, -1 the
 * last), ignoring empty parts (so double spaces do not count); with `rest`,
 * that part and every part after it, joined again. Null when there is no
 * such part.
 */
export function splitPart(text: string, separator: string, index: number, rest = false): string | null {
  const parts = text.split(separator).filter((part) => part.trim() !== '');
  const at = index < 0 ? parts.length + index : index;
  if (at < 0 || at >= parts.length) return null;
  return rest ? parts.slice(at).join(separator) : (parts[at] as string);
}

/** `trim`: surrounding white space removed; empty text becomes null. */
export function trimText(text: string): string | null {
  const trimmed = text.trim();
  return trimmed === '' ? null : trimmed;
}

/** `case`: upper, lower, or title case (every word's first letter upper, the rest lower). */
export function changeCase(text: string, mode: 'upper' | 'lower' | 'title'): string {
  if (mode === 'upper') return text.toUpperCase();
  const lower = text.toLowerCase();
  if (mode === 'lower') return lower;
  return lower.replace(/(^|[\s\-'’(/])(\p{L})/gu, (_match, before: string, letter: string) => before + letter.toUpperCase());
}

/** Length in characters (code points), as databases count it, not UTF-16 units. */
export function characterLength(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    // A high surrogate followed by a low one is one character.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i += 1;
    }
    length += 1;
  }
  return length;
}

/** `truncate`: the first `max` characters (code points, never half a surrogate pair). */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  return Array.from(text).slice(0, max).join('');
}
