/**
 * Record id formats that CRMs use: Salesforce's 15/18-character ids and
 * UUIDs. Pure functions; randomness is passed in so generators stay
 * deterministic.
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/**
 * The 18-character, case-insensitive-safe form of a 15-character Salesforce
 * id: three suffix characters, one per five characters, encoding which of
 * them are upper case.
 */
export function salesforceId18(id15: string): string {
  if (!/^[0-9A-Za-z]{15}$/.test(id15)) throw new RangeError(`not a 15-character Salesforce id: ${id15}`);
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk += 1) {
    let bits = 0;
    for (let i = 0; i < 5; i += 1) {
      const char = id15.charAt(chunk * 5 + i);
      if (char >= 'A' && char <= 'Z') bits |= 1 << i;
    }
    suffix += SUFFIX.charAt(bits);
  }
  return id15 + suffix;
}

/** Whether text is a well-formed 18-character Salesforce id (checksum included). */
export function isSalesforceId18(id: string): boolean {
  return /^[0-9A-Za-z]{18}$/.test(id) && salesforceId18(id.slice(0, 15)) === id;
}

/**
 * A Salesforce-style id: key prefix (3), instance (2), then a base-62 number
 * (10), plus the checksum. `sequence` must be unique per prefix.
 */
export function makeSalesforceId(prefix: string, instance: string, sequence: bigint): string {
  if (!/^[0-9A-Za-z]{3}$/.test(prefix)) throw new RangeError(`key prefix must be 3 characters: ${prefix}`);
  let digits = '';
  let rest = sequence;
  for (let i = 0; i < 10; i += 1) {
    digits = BASE62.charAt(Number(rest % 62n)) + digits;
    rest /= 62n;
  }
  return salesforceId18(`${prefix}${instance.slice(0, 2).padEnd(2, '0')}${digits}`);
}

/** A version-4-shaped UUID from 16 bytes (random or from a seeded generator). */
export function uuidFromBytes(bytes: Uint8Array): string {
  if (bytes.length < 16) throw new RangeError('a UUID needs 16 bytes');
  const b = Uint8Array.from(bytes.subarray(0, 16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(b, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
