/** In-memory record sources for diff's unit tests, counting how often each object is read. */
import type { CrmRecord } from '../../src/connectors/contract.js';
import { recordHash, SetDigest } from '../../src/core/record-hash.js';
import type { Value } from '../../src/core/values.js';
import type { RecordSource } from '../../src/diff/index.js';

/** One object of an {@link arraySource}. */
export interface ArrayObject {
  name: string;
  idField?: string;
  fields: string[];
  records: CrmRecord[];
}

/** A source over arrays, with read counts per object; `digests` makes it offer digest(). */
export interface ArraySource extends RecordSource {
  reads: Map<string, number>;
}

export function arraySource(label: string, objects: ArrayObject[], options: { batchSize?: number; digests?: boolean; failAfter?: number; onBatch?: (object: string) => void } = {}): ArraySource {
  const reads = new Map<string, number>();
  const batchSize = options.batchSize ?? 7;
  const byName = new Map(objects.map((object) => [object.name, object]));
  const source: ArraySource = {
    label,
    reads,
    async objects() {
      return objects.map((object) => ({ name: object.name, idField: object.idField ?? 'id', fields: [...object.fields] }));
    },
    async *records(name, readOptions) {
      reads.set(name, (reads.get(name) ?? 0) + 1);
      const records = byName.get(name)?.records ?? [];
      for (let start = 0; start < records.length; start += batchSize) {
        if (options.failAfter !== undefined && start >= options.failAfter) throw new Error(`${label} lost its connection`);
        options.onBatch?.(name);
        readOptions?.signal?.throwIfAborted();
        // Yield to the event loop, as a real source would between round trips.
        await new Promise((resolve) => setImmediate(resolve));
        yield records.slice(start, start + batchSize);
      }
    },
  };
  if (options.digests) {
    source.digest = async (name) => {
      const object = byName.get(name);
      if (!object) return undefined;
      const set = new SetDigest();
      for (const record of object.records) set.add(recordHash(record));
      return { digest: set.hex(), count: set.count };
    };
  }
  return source;
}

/** A record with the id in field `id` too, as connectors give it. */
export function record(id: string | number, values: Record<string, Value>, deleted = false): CrmRecord {
  return { id: String(id), values: { id, ...values }, deleted };
}

/** `count` account records with ids 1..count. */
export function accounts(count: number): CrmRecord[] {
  return Array.from({ length: count }, (_, i) =>
    record(i + 1, { name: `Account ${i + 1}`, amount: `${(i * 7) % 1000}.50`, active: i % 3 !== 0, logo: null, notes: i % 5 === 0 ? null : `note ${i}` }),
  );
}

export const ACCOUNT_FIELDS = ['id', 'name', 'amount', 'active', 'logo', 'notes'];

/** A shuffled copy (deterministic). */
export function shuffled<T>(items: T[], seed = 1): T[] {
  const copy = [...items];
  let state = seed;
  for (let i = copy.length - 1; i > 0; i -= 1) {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}
