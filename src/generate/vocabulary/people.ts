/** People and places drawn from a culture: names in display and ASCII form, addresses, phone numbers. */
import type { Rng } from '../random.js';
import { cultureAt, type Culture } from './cultures.js';

/** A generated person. */
export interface Person {
  culture: Culture;
  first: string;
  last: string;
  /** As the culture writes it: `Zoë Łukasiewicz`, `山田 太郎`. */
  full: string;
  firstAscii: string;
  lastAscii: string;
}

/** A postal address; parts may be NULL as in real data. */
export interface Address {
  street: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
}

/** A person from a culture (or one drawn by weight). */
export function person(rng: Rng, culture: Culture = cultureAt(rng.next())): Person {
  const [first, firstAscii] = rng.pick(culture.given);
  const [last, lastAscii] = rng.pick(culture.family);
  const full = culture.familyFirst ? `${last} ${first}` : `${first} ${last}`;
  return { culture, first, last, full, firstAscii, lastAscii };
}

/** `first.last` in ASCII, for e-mail addresses. */
export function emailLocal(p: Person): string {
  return `${p.firstAscii}.${p.lastAscii}`.replace(/[^a-z0-9.]/g, '');
}

/** A country as typed, in one of its usual spellings. */
export function countryOf(rng: Rng, culture: Culture): string {
  return rng.weighted(culture.countries);
}

/** An address in the culture; each part NULL with probability `nullShare`. */
export function address(rng: Rng, culture: Culture, nullShare: number): Address {
  if (rng.chance(nullShare / 2)) return { street: null, city: null, state: null, postalCode: null, country: null };
  const [city, state, postal] = rng.pick(culture.cities);
  return {
    street: rng.orNull(nullShare, rng.digits(rng.pick(culture.streets))),
    city,
    state: state === null ? null : rng.orNull(nullShare, state),
    postalCode: rng.orNull(nullShare, postalCode(rng, postal)),
    country: rng.orNull(nullShare / 2, countryOf(rng, culture)),
  };
}

function postalCode(rng: Rng, pattern: string): string {
  let out = '';
  for (const char of pattern) out += char === '#' ? String(rng.int(10)) : char === '@' ? String.fromCharCode(65 + rng.int(26)) : char;
  return out;
}

/** A phone number in one of the culture's formats. */
export function phone(rng: Rng, culture: Culture): string {
  return rng.digits(rng.pick(culture.phones));
}

/** A documentation-range IP address (RFC 5737 / RFC 3849), as login sources. */
export function ipAddress(rng: Rng): string {
  if (rng.chance(0.08)) return `2001:db8:${rng.int(65536).toString(16)}::${rng.int(65536).toString(16)}`;
  return `${rng.pick(['192.0.2', '198.51.100', '203.0.113'])}.${rng.between(1, 254)}`;
}
