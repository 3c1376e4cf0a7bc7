/**
 * What diff compares: anything whose records can be read, a live system
 * (through its connector) or a backup (through its reader). The CLI and the
 * backup code adapt theirs; {@link connectorSource} adapts a connector.
 */
import type { Connector, CrmRecord, RangeChecksums } from '../connectors/contract.js';

/** One object of a {@link RecordSource}: its name, id field and field names. */
export interface SourceObject {
  name: string;
  idField: string;
  fields: string[];
}

/** Something whose records can be compared: a live system or a backup. */
export interface RecordSource {
  /** For messages, e.g. "backup 2026-… of legacy" or "legacy (sqlite:…)". */
  readonly label: string;
  /** Objects with their id field and fields. */
  objects(): Promise<SourceObject[]>;
  /**
   * Every record of one object, in batches, in any order (orders differ
   * between databases' collations). Diff may read an object up to three
   * times (digest, compare, changed fields), so it must be readable again.
   */
  records(object: string, options?: { signal?: AbortSignal }): AsyncIterable<CrmRecord[]>;
  /**
   * Optional: the object's set digest (a `SetDigest` hex over `recordHash` of
   * every record with all its fields) and record count, precomputed (a
   * backup's manifest has them); lets equal data skip reading this side.
   * `undefined` when not known for this object.
   */
  digest?(object: string): Promise<{ digest: string; count: number } | undefined>;
  /**
   * Optional: checksums of key ranges computed where the records live (a SQL
   * database). Two sources with comparable ones are compared by the
   * data-diff method (range-diff.ts), which skips reading equal ranges.
   */
  readonly ranges?: RangeChecksums;
}

/** Options of {@link connectorSource}. */
export interface ConnectorSourceOptions {
  /**
   * Records per read; default {@link DIFF_READ_BATCH}. Smaller batches keep
   * diff's peak memory down, since V8 lets the garbage of large batches pile
   * up: two equal SQLite sides of 1M legacy records peaked at 333 MB RSS with
   * the connector's 2,000, 255 MB with 500 and 170 MB with 250, at the same
   * speed (also on a local PostgreSQL). Larger batches save round trips to
   * a distant server.
   */
  batchSize?: number;
}

/** Records per read of {@link connectorSource} unless told otherwise. */
export const DIFF_READ_BATCH = 250;

/**
 * Adapts a connector (anything with `describe()`/`read()`) to a
 * {@link RecordSource}: every object it can read, soft-deleted records
 * included (flagged). Objects the connector marks unsupported are left out.
 */
export function connectorSource(connector: Pick<Connector, 'describe' | 'read' | 'rangeChecksums'>, label: string, options: ConnectorSourceOptions = {}): RecordSource {
  const batchSize = options.batchSize ?? DIFF_READ_BATCH;
  return {
    label,
    ...(connector.rangeChecksums ? { ranges: connector.rangeChecksums } : {}),
    async objects() {
      const description = await connector.describe();
      return description.objects
        .filter((object) => !object.unsupported)
        .map((object) => ({ name: object.name, idField: object.idField, fields: object.fields.map((field) => field.name) }));
    },
    async *records(object, options = {}) {
      const read = { includeDeleted: true, batchSize, ...(options.signal ? { signal: options.signal } : {}) };
      for await (const batch of connector.read(object, read)) yield batch.records;
    },
  };
}
