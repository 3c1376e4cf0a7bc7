/**
 * Record ids of generated data, from (seed, object, index) alone: integers
 * for the legacy CRM, UUIDs for SuiteCRM, 18-character ids with key prefixes
 * for Salesforce. Each is unique per object by construction.
 */
import { makeSalesforceId, uuidFromBytes } from '../core/ids.js';
import { hash32, tagOf } from './random.js';

/** An integer id (1-based), as id text. */
export function intId(index: number): string {
  return String(index + 1);
}

/** A deterministic version-4-shaped UUID: 16 bytes from four hash lanes (lane 0 alone is unique per index). */
export function uuidId(base: number, tag: number, index: number): string {
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  for (let lane = 0; lane < 4; lane += 1) view.setUint32(lane * 4, hash32(base, tag, index, lane));
  return uuidFromBytes(bytes);
}

/** The pod part of generated Salesforce ids; connectors that make new ids use other characters, so ids never clash. */
const INSTANCE = '8d';

/**
 * A Salesforce id with the object's key prefix. The sequence is a per-seed
 * offset plus the index, so ids are sequential within an object like real
 * ones and differ between seeds.
 */
export function salesforceIdOf(base: number, prefix: string, index: number): string {
  const key = `${base}:${prefix}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    offset = BigInt(hash32(base, tagOf(`sf.${prefix}`), 0) % 0x4000000) << 32n;
    if (offsets.size > 1000) offsets.clear();
    offsets.set(key, offset);
  }
  return makeSalesforceId(prefix, INSTANCE, offset + BigInt(index));
}

const offsets = new Map<string, bigint>();
