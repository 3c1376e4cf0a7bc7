/**
 * What a restore's second pass must remember: records whose references were
 * left out of the first write (to the same object, or to one restored
 * later), to be written once every record exists. A restore of millions of
 * records remembers many, so each object keeps flat arrays (ids, and one
 * slot per field and record) rather than an object per record: a third of
 * the memory (measured 8 MB instead of 24 for the 82,000 of a 1M-record
 * legacy backup), which V8 multiplies as it sizes its heap.
 */
import type { CrmRecord, ObjectDescription } from '../connectors/contract.js';
import type { Value } from '../core/values.js';

/** The deferred references of one object's records, with their modified-at. */
interface ObjectLinks {
  object: ObjectDescription;
  /** Deferred reference fields, then modified-at (when the object has one and it is not deferred). */
  fields: string[];
  ids: string[];
  /** `fields.length` slots per id; `undefined` where a reference was null (nothing to write). */
  values: Array<Value | undefined>;
}

/** One second-pass update: the record's id in the target and the values to write. */
export interface LinkUpdate {
  id: string;
  values: Record<string, Value>;
}

/** Records still to get their deferred references, per object in the order first seen. */
export class PendingLinks {
  private readonly objects = new Map<string, ObjectLinks>();

  /**
   * Remembers the non-null `deferred` values of a record written as `id` in
   * the target. The update carries the backup's modified-at too, so the
   * record ends as the backup has it.
   */
  add(object: ObjectDescription, deferred: readonly string[], id: string, record: CrmRecord): void {
    let links = this.objects.get(object.name);
    if (!links) {
      const stamp = object.modifiedAtField;
      const fields = stamp && !deferred.includes(stamp) ? [...deferred, stamp] : [...deferred];
      links = { object, fields, ids: [], values: [] };
      this.objects.set(object.name, links);
    }
    links.ids.push(id);
    for (const field of links.fields) {
      const value = record.values[field];
      if (field === object.modifiedAtField) links.values.push(value ?? null);
      else links.values.push(value === null ? undefined : value);
    }
  }

  /** The updates, per object, at most `size` at a time; each batch is forgotten once the next is asked for. */
  *batches(size: number): Generator<{ object: ObjectDescription; updates: LinkUpdate[] }> {
    for (const [name, links] of this.objects) {
      const width = links.fields.length;
      for (let start = 0; start < links.ids.length; start += size) {
        const end = Math.min(start + size, links.ids.length);
        const updates: LinkUpdate[] = [];
        for (let i = start; i < end; i += 1) {
          const values: Record<string, Value> = {};
          for (let f = 0; f < width; f += 1) {
            const value = links.values[i * width + f];
            if (value !== undefined) values[links.fields[f] as string] = value;
          }
          updates.push({ id: links.ids[i] as string, values });
        }
        yield { object: links.object, updates };
      }
      this.objects.delete(name);
    }
  }
}
