/**
 * A diff report as text for a terminal: per object its counts, then a few
 * examples. Long values are shortened here only; the report itself (and its
 * JSON) keeps them whole.
 */
import type { Value } from '../core/values.js';
import type { DiffReport, FieldChange, ObjectDiff } from './diff-types.js';
import { isEqual } from './diff-sources.js';

/** Options of {@link formatDiffReport}. */
export interface FormatDiffOptions {
  /** Examples shown per list per object; default 10 (never more than the report holds). */
  limit?: number;
  /** Characters of a value shown before it is cut with `…`; default 60. */
  valueWidth?: number;
  /** Changed fields shown per record before `+N more`; default 8. */
  fieldsPerRecord?: number;
}

const n = (value: number): string => value.toLocaleString('en-US');
const plural = (count: number, one: string, many: string): string => `${n(count)} ${count === 1 ? one : many}`;

/** The report as lines of text (no trailing newline). */
export function formatDiffReport(report: DiffReport, options: FormatDiffOptions = {}): string {
  const settings = { limit: options.limit ?? 10, valueWidth: options.valueWidth ?? 60, fieldsPerRecord: options.fieldsPerRecord ?? 8 };
  const lines = [`a: ${report.a}`, `b: ${report.b}`];
  for (const object of report.objects) lines.push(...formatObject(object, settings));
  const different = report.objects.filter((object) => !isEqual(object));
  const records = different.reduce((sum, object) => sum + object.onlyInA + object.onlyInB + object.changed, 0);
  const measured = `Measured ${report.measuredAt} in ${report.seconds.toFixed(2)} s.`;
  if (report.equal) {
    const sides = report.records.a === report.records.b ? `${plural(report.records.a, 'record', 'records')} on each side` : `${n(report.records.a)} and ${n(report.records.b)} records`;
    lines.push(`Equal: ${plural(report.objects.length, 'object', 'objects')}, ${sides}. ${measured}`);
  } else {
    lines.push(
      `Different: ${plural(records, 'record differs', 'records differ')} in ${n(different.length)} of ${plural(report.objects.length, 'object', 'objects')} ` +
        `(${n(report.records.a)} records in a, ${n(report.records.b)} in b). ${measured}`,
    );
  }
  return lines.join('\n');
}

interface Settings {
  limit: number;
  valueWidth: number;
  fieldsPerRecord: number;
}

function formatObject(object: ObjectDiff, settings: Settings): string[] {
  if (object.missingOn) {
    const count = object.missingOn === 'b' ? object.onlyInA : object.onlyInB;
    const ids = object.missingOn === 'b' ? object.onlyInAIds : object.onlyInBIds;
    const lines = [`${object.object}: missing from ${object.missingOn} (${plural(count, 'record', 'records')} in ${object.missingOn === 'b' ? 'a' : 'b'})`];
    lines.push(...idList(object.missingOn === 'b' ? 'only in a' : 'only in b', ids, count, settings));
    return lines;
  }
  if (isEqual(object)) return [`${object.object}: equal, ${plural(object.same, 'record', 'records')}`];
  const counts = [
    object.changed > 0 ? `${n(object.changed)} changed` : '',
    object.onlyInA > 0 ? `${n(object.onlyInA)} missing from b` : '',
    object.onlyInB > 0 ? `${n(object.onlyInB)} extra in b` : '',
    `${n(object.same)} same`,
  ].filter(Boolean);
  const lines = [`${object.object}: ${counts.join(', ')}`];
  if (object.fieldsOnlyInA.length > 0) lines.push(`  fields only in a (not compared): ${object.fieldsOnlyInA.join(', ')}`);
  if (object.fieldsOnlyInB.length > 0) lines.push(`  fields only in b (not compared): ${object.fieldsOnlyInB.join(', ')}`);
  const shown = object.changes.slice(0, settings.limit);
  for (const change of shown) lines.push(`  - id ${change.id}: ${formatFields(change.fields, settings)}`);
  if (shown.length > 0 && object.changed > shown.length) lines.push(`  … and ${n(object.changed - shown.length)} more changed`);
  lines.push(...idList('missing from b', object.onlyInAIds, object.onlyInA, settings));
  lines.push(...idList('extra in b', object.onlyInBIds, object.onlyInB, settings));
  return lines;
}

/** One line of example ids with how many more there are; none when there is no example to show (the counts say how many). */
function idList(title: string, ids: string[], count: number, settings: Settings): string[] {
  const shown = ids.slice(0, settings.limit);
  if (shown.length === 0) return [];
  const rest = count - shown.length;
  return [`  ${title}: ${shown.map((id) => shorten(id, settings.valueWidth)).join(', ')}${rest > 0 ? ` … and ${n(rest)} more` : ''}`];
}

function formatFields(fields: FieldChange[], settings: Settings): string {
  if (fields.length === 0) return 'changed while being compared (no longer differs)';
  const shown = fields.slice(0, settings.fieldsPerRecord).map((change) => `${change.field} ${formatValue(change.a, settings)} → ${formatValue(change.b, settings)}`);
  const rest = fields.length - settings.fieldsPerRecord;
  return shown.join('; ') + (rest > 0 ? `; +${plural(rest, 'more field', 'more fields')}` : '');
}

/** A value for the terminal: strings quoted and escaped, long ones cut, binary as its size and first bytes. */
export function formatValue(value: Value, settings: { valueWidth: number } = { valueWidth: 60 }): string {
  if (value === null) return 'null';
  if (value instanceof Uint8Array) {
    const head = Buffer.from(value.buffer, value.byteOffset, Math.min(value.byteLength, 8)).toString('hex');
    return `<${n(value.byteLength)} bytes ${head}${value.byteLength > 8 ? '…' : ''}>`;
  }
  if (typeof value === 'string') return `'${escape(shorten(value, settings.valueWidth))}'`;
  return String(value);
}

function shorten(text: string, width: number): string {
  if (text.length <= width) return text;
  // By code points, so a character outside the BMP is never cut in half.
  const chars = Array.from(text);
  return chars.length <= width ? text : `${chars.slice(0, Math.max(1, width - 1)).join('')}…`;
}

function escape(text: string): string {
  return text.replace(/[\\'\u0000-\u001f\u007f]/g, (char) => {
    switch (char) {
      case '\\':
        return '\\\\';
      case "'":
        return "\\'";
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      default:
        return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
    }
  });
}
