/**
 * Values a simulation writes into fields: fresh ones for new records (names,
 * e-mail addresses, phones, addresses, notes…, recognised by the field's
 * name), plausible changes for edits, wrong values for corruption, and
 * placeholders for required fields nothing else fills. Every value fits its
 * field: type, length, picklist.
 */
import type { FieldDescription, ObjectDescription } from '../../connectors/contract.js';
import { canonicalDecimal, canonicalInteger, type Value } from '../../core/values.js';
import { isoDate, isoSeconds, DAY } from '../../generate/moments.js';
import type { Rng } from '../../generate/random.js';
import { asciiOf, cultureAt, type Culture, type Name } from '../../generate/vocabulary/cultures.js';
import { companyName, DEALS, slugOf } from '../../generate/vocabulary/companies.js';
import { address, emailLocal, ipAddress, person, phone, type Address, type Person } from '../../generate/vocabulary/people.js';
import { CONTACT_TITLES, DEPARTMENTS, noteTitle, shortText, subject } from '../../generate/vocabulary/texts.js';

/** The person, company and address one new record is about, so that its fields agree with each other. */
export interface Persona {
  culture: Culture;
  person: Person;
  company: Name;
  address: Address;
}

/** A persona drawn from the stream. */
export function personaOf(rng: Rng): Persona {
  const culture = cultureAt(rng.next());
  return { culture, person: person(rng, culture), company: companyName(rng, culture), address: address(rng, culture, 0) };
}

/** What a text field holds, told by its name. */
export type TextKind =
  | 'email'
  | 'first'
  | 'last'
  | 'name'
  | 'company'
  | 'phone'
  | 'street'
  | 'city'
  | 'state'
  | 'postal'
  | 'country'
  | 'website'
  | 'title'
  | 'subject'
  | 'description'
  | 'department'
  | 'ip';

/** Kinds that name who or what a record is: people rarely change them, so edits leave them alone. */
export const IDENTITY_KINDS: ReadonlySet<TextKind> = new Set(['first', 'last', 'name', 'company']);

function normal(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** The kind of a text field by its name, if it is one cutover recognises. */
export function textKindOf(field: FieldDescription): TextKind | undefined {
  if (field.type !== 'string' && field.type !== 'text') return undefined;
  const n = normal(field.name);
  if (n.includes('email')) return 'email';
  if (n.endsWith('firstname') || n === 'givenname') return 'first';
  if (n.endsWith('lastname') || n === 'surname' || n === 'familyname') return 'last';
  if (n === 'company' || n === 'companyname' || n === 'accountname') return 'company';
  if (n === 'name' || n === 'fullname') return 'name';
  if (n.includes('phone') || n.includes('mobile') || n.endsWith('fax')) return 'phone';
  if (n.includes('street')) return 'street';
  if (n.endsWith('city')) return 'city';
  if (n.endsWith('state') || n.endsWith('province')) return 'state';
  if (n.includes('postalcode') || n.includes('zip') || n.includes('postcode')) return 'postal';
  if (n.endsWith('country')) return 'country';
  if (n.includes('website')) return 'website';
  if (n === 'title' || n.endsWith('jobtitle')) return 'title';
  if (n.includes('subject')) return 'subject';
  if (n.includes('description') || n === 'body' || n.endsWith('notes') || n.includes('comment')) return 'description';
  if (n.includes('department')) return 'department';
  if (n === 'ip' || n.endsWith('ipaddress') || n === 'sourceip' || n === 'clientip') return 'ip';
  return undefined;
}

/** Whether the object is about people (it has a first- or last-name field). */
function isPersonObject(object: ObjectDescription): boolean {
  return object.fields.some((field) => {
    const n = normal(field.name);
    return n.endsWith('firstname') || n.endsWith('lastname');
  });
}

/** A fresh value of a recognised kind, for the persona; null where the persona has none (an address without a state). */
export function freshText(kind: TextKind, object: ObjectDescription, persona: Persona, rng: Rng): string | null {
  const { person: p, company, culture } = persona;
  const domain = `${slugOf(company[1])}.example`;
  switch (kind) {
    case 'email':
      return `${emailLocal(p)}@${domain}`;
    case 'first':
      return p.first;
    case 'last':
      return p.last;
    case 'company':
      return company[0];
    case 'name': {
      const n = normal(object.name);
      if (n.includes('opportunit') || n.includes('deal')) return `${company[0]} — ${rng.pick(DEALS)}`;
      if (n.includes('account') || n.includes('compan') || n.includes('organi')) return company[0];
      if (isPersonObject(object)) return p.full;
      return `${company[0]} — ${rng.pick(DEALS)}`;
    }
    case 'phone':
      return phone(rng, culture);
    case 'street':
      return persona.address.street;
    case 'city':
      return persona.address.city;
    case 'state':
      return persona.address.state;
    case 'postal':
      return persona.address.postalCode;
    case 'country':
      return persona.address.country;
    case 'website':
      return `https://www.${domain}`;
    case 'title':
      return isPersonObject(object) ? rng.pick(CONTACT_TITLES) : noteTitle(rng);
    case 'subject':
      return subject(rng, rng.pick(['call', 'email', 'meeting', 'task'] as const), { name: p.full, company: company[0], city: persona.address.city ?? '' });
    case 'description':
      return shortText(rng);
    case 'department':
      return rng.pick(DEPARTMENTS);
    case 'ip':
      return ipAddress(rng);
  }
}

/** Text cut to the field's length, in characters (code points), as databases count them. */
export function fitText(text: string, field: FieldDescription): string {
  if (field.length === undefined) return text;
  const chars = Array.from(text);
  return chars.length <= field.length ? text : chars.slice(0, field.length).join('');
}

/** A moment as the field's type holds it. */
export function momentValue(field: FieldDescription, at: number): Value {
  if (field.type === 'date') return isoDate(at);
  if (field.type === 'datetime') return isoSeconds(at);
  if (field.type === 'integer') return Math.floor(at / 1000);
  return fitText(isoSeconds(at), field);
}

/** An id (always text in records) as the field holds it: a number for integer fields. */
export function idValue(id: string, field: FieldDescription): Value {
  return field.type === 'integer' && /^-?\d+$/.test(id) ? canonicalInteger(id) : id;
}

const TOKEN_CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Letters and digits that are unique in practice, for unique fields that must be filled. */
export function token(rng: Rng, field: FieldDescription): string {
  let text = 'SIM';
  for (let i = 0; i < 15; i += 1) text += TOKEN_CHARS[rng.int(TOKEN_CHARS.length)];
  return fitText(text, field);
}

/** Largest whole part a decimal field holds (precision minus scale digits), capped for plausibility. */
function decimalCeiling(field: FieldDescription, cap: number): number {
  if (field.precision === undefined) return cap;
  const digits = field.precision - (field.scale ?? 0);
  return Math.max(0, Math.min(cap, 10 ** Math.max(0, digits) - 1));
}

/** A value of the field's type for a required field nothing else fills. */
export function placeholderValue(field: FieldDescription, rng: Rng, at: number): Value {
  if (field.picklistValues && field.picklistValues.length > 0) return rng.pick(field.picklistValues);
  switch (field.type) {
    case 'string':
    case 'text':
      return fitText(shortText(rng, 1), field);
    case 'id':
      return token(rng, field);
    case 'integer':
      return rng.between(1, 100);
    case 'decimal':
      return canonicalDecimal(rng.between(1, Math.max(1, decimalCeiling(field, 9999))), field.scale);
    case 'float':
      return rng.between(1, 1000);
    case 'boolean':
      return false;
    case 'date':
    case 'datetime':
      return momentValue(field, at);
    case 'time':
      return '09:00:00';
    case 'json':
      return '{}';
    case 'binary':
      return new Uint8Array(0);
  }
}

/**
 * A plausible change of a text or picklist field, or undefined when the
 * field offers none: another allowed value, a new phone or address part, a
 * sentence added to a description, or another value the field holds in other
 * records (`samples`).
 */
export function editedValue(field: FieldDescription, object: ObjectDescription, current: Value, rng: Rng, samples: readonly Value[]): Value | undefined {
  const changed = (value: Value | undefined): Value | undefined => {
    if (value === undefined || value === null) return undefined;
    const fitted = typeof value === 'string' ? fitText(value, field) : value;
    return fitted === current || fitted === '' ? undefined : fitted;
  };
  if (field.picklistValues && field.picklistValues.length > 1) {
    const others = field.picklistValues.filter((value) => value !== current);
    return changed(rng.pick(others));
  }
  if (field.type !== 'string' && field.type !== 'text') return undefined;
  const kind = textKindOf(field);
  if (kind === 'description') {
    const added = shortText(rng, 1);
    const appended = typeof current === 'string' && current !== '' ? `${current}\n${added}` : added;
    return changed(appended) ?? changed(added);
  }
  if (kind === 'email' && typeof current === 'string' && current.includes('@')) {
    // Same person, new company address.
    const persona = personaOf(rng);
    return changed(`${current.slice(0, current.indexOf('@'))}@${slugOf(persona.company[1])}.example`);
  }
  if (kind && !IDENTITY_KINDS.has(kind)) return changed(freshText(kind, object, personaOf(rng), rng) ?? undefined);
  const others = samples.filter((value) => typeof value === 'string' && value !== '' && value !== current);
  return others.length > 0 ? changed(rng.pick(others)) : undefined;
}

/**
 * A wrong value for a field, of its type and within its limits, never equal
 * to the current one: damage such as a faulty integration or a bad import
 * makes (text garbled by a wrong encoding or cut short, a flag flipped, a
 * number zeroed, a date a year off, another picklist value).
 */
export function wrongValue(field: FieldDescription, current: Value, rng: Rng, at: number): Value | undefined {
  const differs = (value: Value | undefined): Value | undefined => (value === undefined || value === current ? undefined : value);
  if (field.picklistValues && field.picklistValues.length > 1) return differs(rng.pick(field.picklistValues.filter((value) => value !== current)));
  switch (field.type) {
    case 'boolean':
      return current === null ? true : !current;
    case 'integer':
      return current === 0 || current === '0' ? 1 : 0;
    case 'float':
      return current === 0 ? 1 : 0;
    case 'decimal': {
      const zero = canonicalDecimal('0', field.scale);
      return current === zero ? canonicalDecimal('1', field.scale) : zero;
    }
    case 'date':
      return typeof current === 'string' ? shiftYear(current, -1) : isoDate(at);
    case 'datetime':
      return typeof current === 'string' ? isoSeconds(Date.parse(current) - DAY) : isoSeconds(at);
    case 'time':
      return current === '00:00:00' ? '12:00:00' : '00:00:00';
    case 'json':
      return differs(current === '{}' ? '{"corrupted":true}' : '{}');
    case 'string':
    case 'text':
      return wrongText(field, current, rng);
    default:
      return undefined;
  }
}

function wrongText(field: FieldDescription, current: Value, rng: Rng): Value | undefined {
  if (typeof current !== 'string' || current === '') return fitText('#N/A', field);
  const candidates: string[] = [];
  // UTF-8 read as Latin-1: "Zoë" becomes "ZoÃ«".
  const garbled = Buffer.from(current, 'utf8').toString('latin1');
  if (garbled !== current) candidates.push(garbled);
  const chars = Array.from(current);
  if (chars.length >= 2) candidates.push(chars.slice(0, Math.ceil(chars.length / 2)).join(''));
  candidates.push(asciiOf(current).toUpperCase() || '?', `${chars.slice(0, -1).join('')}?`);
  const fitting = candidates.map((text) => fitText(text, field)).filter((text) => text !== current && text !== '');
  return fitting.length > 0 ? rng.pick(fitting) : undefined;
}

function shiftYear(date: string, years: number): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!match) return date;
  const year = Number(match[1]) + years;
  const day = match[2] === '02' && match[3] === '29' ? '28' : match[3];
  return `${String(year).padStart(4, '0')}-${match[2]}-${day}`;
}
