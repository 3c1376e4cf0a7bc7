/**
 * Which fields of an object diff compares: those both sides have. Fields on
 * one side only are a schema difference, reported and left out, so that one
 * added column does not make every record "changed".
 */
import type { CrmRecord } from '../connectors/contract.js';
import { canonicalRecordText, recordHash, valueFromJson, type HashableRecord } from '../core/record-hash.js';
import type { Value } from '../core/values.js';
import type { SourceObject } from './record-source.js';

/** The fields of one object on both sides, and how its records are hashed for comparison. */
export interface ObjectFields {
  /** Fields both sides have, in side a's order. */
  common: string[];
  fieldsOnlyInA: string[];
  fieldsOnlyInB: string[];
  /** Both sides have exactly the same fields: records are hashed whole, as backups hash them. */
  sameFields: boolean;
  /** The record's hash over the common fields (its full `recordHash` when {@link sameFields}). */
  hash(record: CrmRecord): Buffer;
  /** The record's canonical text over the common fields. */
  text(record: CrmRecord): string;
}

/** The comparison of one object present on both sides. */
export function objectFields(a: SourceObject, b: SourceObject): ObjectFields {
  const inA = new Set(a.fields);
  const inB = new Set(b.fields);
  const common = a.fields.filter((field) => inB.has(field));
  const fieldsOnlyInA = a.fields.filter((field) => !inB.has(field));
  const fieldsOnlyInB = b.fields.filter((field) => !inA.has(field));
  const sameFields = fieldsOnlyInA.length === 0 && fieldsOnlyInB.length === 0;
  const project = sameFields ? (record: CrmRecord): HashableRecord => record : projection(common);
  return {
    common,
    fieldsOnlyInA,
    fieldsOnlyInB,
    sameFields,
    hash: (record) => recordHash(project(record)),
    text: (record) => canonicalRecordText(project(record)),
  };
}

function projection(fields: string[]): (record: CrmRecord) => HashableRecord {
  return (record) => {
    const values: Record<string, Value> = {};
    for (const field of fields) values[field] = record.values[field] ?? null;
    return { id: record.id, deleted: record.deleted, values };
  };
}

/** A record read back from its canonical text (binary values as bytes again). */
export function parseCanonicalText(text: string): HashableRecord {
  const [id, deleted, pairs] = JSON.parse(text) as [string, boolean, Array<[string, unknown]>];
  const values: Record<string, Value> = {};
  for (const [field, value] of pairs) values[field] = valueFromJson(value);
  return { id, deleted, values };
}
