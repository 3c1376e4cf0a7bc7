/** Ids a SQL connector makes for inserts without one, per the profile's `ids.assign`. */
import { randomBytes, randomInt } from 'node:crypto';
import { makeSalesforceId, uuidFromBytes } from '../../core/ids.js';
import type { SqlProfile } from './sql-profile.js';

/** Makes new ids for one object; `undefined` when the database assigns them. */
export function idMaker(profile: SqlProfile, object: string): (() => string) | undefined {
  switch (profile.ids.assign) {
    case 'database':
      return undefined;
    case 'uuid':
      return () => uuidFromBytes(randomBytes(16));
    case 'salesforce': {
      const prefix = profile.ids.prefixes[object] ?? 'a00';
      // Time in the high bits keeps ids from separate processes apart and roughly ordered.
      let sequence = BigInt(Date.now()) * 4096n + BigInt(randomInt(4096));
      return () => {
        sequence += 1n;
        return makeSalesforceId(prefix, '5g', sequence);
      };
    }
  }
}
