/**
 * The canonical texts of a page of records, fast. A record chunk stores each
 * record as exactly `canonicalRecordText(record)` (src/core/record-hash.ts),
 * so that the SHA-256 of a stored line is the record's hash and verify needs
 * no JSON parsing. The core function sorts the field names and builds a small
 * array per field for every record; here the sort is done once per page and
 * strings without characters to escape skip JSON.stringify (JSON.stringify is
 * the bottleneck of a backup on Node 20). The first record of every page is
 * also checked against the core function, so a change of the canonical text
 * in core cannot go unnoticed; a property test checks random records.
 */
import type { CrmRecord } from '../connectors/contract.js';
import { CutoverError } from '../core/errors.js';
import { canonicalRecordText, jsonString as quote, jsonValueText as valueText } from '../core/record-hash.js';

/** A number JSON cannot carry (JSON.stringify writes it as null): row index, field, `NaN` / `Infinity` / `-Infinity`. */
export type NonFinite = [row: number, field: string, value: string];

/** Canonical texts of a page, plus where it held numbers JSON cannot carry. */
export interface CanonicalPage {
  lines: string[];
  nonFinite: NonFinite[];
}

function sameKeys(a: string[], b: string[] | undefined): boolean {
  if (!b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/** Characters JSON.stringify escapes in a string (as core's jsonString tests): quote, backslash, controls, surrogates. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** The canonical text of every record of a page, in order. */
export function canonicalPage(records: readonly CrmRecord[]): CanonicalPage {
  const lines = new Array<string>(records.length);
  const nonFinite: NonFinite[] = [];
  let keys: string[] | undefined;
  let names: string[] = [];
  let prefixes: string[] = [];
  // A line is its pieces joined once: concatenating them made a rope of ~45 strings per record, garbage that
  // encoding the line then had to flatten.
  const parts: string[] = [];
  for (let row = 0; row < records.length; row += 1) {
    const record = records[row] as CrmRecord;
    const values = record.values;
    const own = Object.keys(values);
    if (!sameKeys(own, keys)) {
      keys = own;
      names = [...own].sort();
      prefixes = names.map((name, i) => `${i === 0 ? '[' : '],['}${JSON.stringify(name)},`);
    }
    parts.length = 0;
    parts.push('[', typeof record.id === 'string' ? quote(record.id) : (JSON.stringify(record.id) ?? 'null'));
    parts.push(record.deleted === true ? ',true,[' : record.deleted === false ? ',false,[' : `,${JSON.stringify(record.deleted) ?? 'null'},[`);
    for (let i = 0; i < names.length; i += 1) {
      const name = names[i] as string;
      const value = values[name];
      parts.push(prefixes[i] as string);
      if (typeof value === 'string' && !NEEDS_ESCAPE.test(value)) {
        parts.push('"', value, '"');
      } else {
        if (typeof value === 'number' && !Number.isFinite(value)) nonFinite.push([row, name, String(value)]);
        parts.push(valueText(value));
      }
    }
    parts.push(names.length > 0 ? ']]]' : ']]');
    lines[row] = parts.join('');
  }
  const first = records[0];
  if (first && lines[0] !== canonicalRecordText(first)) {
    throw new CutoverError('internal', 'The archive writer and src/core/record-hash.ts disagree on the canonical text of a record.', {
      hints: ['update src/archive/canonical-lines.ts to match canonicalRecordText'],
    });
  }
  return { lines, nonFinite };
}
