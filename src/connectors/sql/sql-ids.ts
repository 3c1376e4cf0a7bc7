/** Ids a SQL connector makes for inserts without one, per the profile's `ids.assign`, and hands out ahead of inserts. */
import { randomBytes, randomInt } from 'node:crypto';
import type { ObjectDescription } from '../contract.js';
import { CutoverError } from '../../core/errors.js';
import { makeSalesforceId, uuidFromBytes } from '../../core/ids.js';
import type { SqlContext } from './sql-connector.js';
import type { SqlProfile } from './sql-profile.js';
import { fieldOf } from './sql-read.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Makes new ids for one object; `undefined` when the database assigns them,
 * or when the key is an integer (the profile's text ids do not fit it: the
 * database's autoincrement, or {@link IdAllocator}, gives those).
 */
export function idMaker(profile: SqlProfile, object: ObjectDescription): (() => string) | undefined {
  if (object.fields.find((field) => field.name === object.idField)?.type === 'integer') return undefined;
  switch (profile.ids.assign) {
    case 'database':
      return undefined;
    case 'uuid':
      return () => uuidFromBytes(randomBytes(16));
    case 'salesforce': {
      const prefix = profile.ids.prefixes[object.name] ?? 'a00';
      // Time in the high bits keeps ids from separate processes apart and roughly ordered.
      let sequence = BigInt(Date.now()) * 4096n + BigInt(randomInt(4096));
      return () => {
        sequence += 1n;
        return makeSalesforceId(prefix, '5g', sequence);
      };
    }
  }
}

/**
 * Hands out ids for records about to be inserted, so that a migration can
 * note them in its ledger first. Integer keys continue from the largest id
 * in the table (and from the last id this allocator gave); text keys use the
 * profile's id maker, or random letters and digits of the column's length.
 */
export class IdAllocator {
  private readonly next = new Map<string, bigint>();

  async allocate(context: SqlContext, object: ObjectDescription, count: number): Promise<string[]> {
    const field = fieldOf(object, object.idField);
    const make = idMaker(context.profile, object);
    if (make) return Array.from({ length: count }, make);
    if (field.type === 'integer') return this.integers(context, object, count);
    const length = Math.min(field.length ?? 36, 36);
    if (length < 12) {
      throw new CutoverError('schema.unsupported', `${object.name}.${object.idField} holds text of at most ${length} characters, too short for ids cutover can make.`, {
        hints: ['let the database assign ids (an integer autoincrement key), or widen the column'],
      });
    }
    if (length === 36) return Array.from({ length: count }, () => uuidFromBytes(randomBytes(16)));
    return Array.from({ length: count }, () => [...randomBytes(length)].map((byte) => BASE62[byte % 62]).join(''));
  }

  private async integers(context: SqlContext, object: ObjectDescription, count: number): Promise<string[]> {
    const { dialect } = context;
    let start = this.next.get(object.name);
    if (start === undefined) {
      const sql = `SELECT MAX(${dialect.quoteIdentifier(object.idField)}) AS m FROM ${dialect.quoteIdentifier(object.name)}`;
      let rows;
      try {
        rows = await context.driver.query(sql);
      } catch (error) {
        throw dialect.wrapError(error, `finding the largest id of ${object.name} in ${context.displayName}`);
      }
      const max = rows[0]?.m;
      start = max === null || max === undefined ? 1n : BigInt(String(max)) + 1n;
    }
    this.next.set(object.name, start + BigInt(count));
    return Array.from({ length: count }, (_, index) => String(start + BigInt(index)));
  }
}
