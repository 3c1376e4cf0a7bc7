/** Record-level comparison of two record sources (backups, live systems): `cutover diff`. */
export { diffSources, DEFAULT_LIMIT } from './diff-sources.js';
export { connectorSource, DIFF_READ_BATCH, type ConnectorSourceOptions, type RecordSource, type SourceObject } from './record-source.js';
export type { DiffOptions, DiffProgress, DiffReport, FieldChange, ObjectDiff } from './diff-types.js';
export { formatDiffReport, formatValue, type FormatDiffOptions } from './format-diff.js';
export { DELETED_FLAG } from './diff-object.js';
export { compareIds } from './natural-order.js';
