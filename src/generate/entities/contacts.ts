/** Contacts (people at accounts), independent of any CRM's layout. */
import { createdAtOf, stampsOf, type GenerationContext, type Stamps } from '../context.js';
import { DAY } from '../moments.js';
import { hash32, rngFor, tagOf, unit } from '../random.js';
import { address, emailLocal, person, phone, type Address, type Person } from '../vocabulary/people.js';
import { CONTACT_TITLES, DEPARTMENTS, description } from '../vocabulary/texts.js';
import { accountCreatedAt, accountName } from './accounts.js';

/** How a contact or lead first came in. */
export type LeadSource = 'web' | 'phone' | 'referral' | 'list' | 'trade_show' | 'email' | 'word_of_mouth' | 'other';

/** Sources by weight, shared by contacts, leads and opportunities. */
export const LEAD_SOURCES: ReadonlyArray<readonly [LeadSource, number]> = [
  ['web', 30], ['phone', 12], ['referral', 15], ['list', 8], ['trade_show', 12], ['email', 10], ['word_of_mouth', 8], ['other', 5],
];

/** One contact. */
export interface CoreContact extends Stamps {
  index: number;
  /** The account, or null for a private contact. */
  account: number | null;
  person: Person;
  salutation: string | null;
  email: string | null;
  phone: string | null;
  mobile: string | null;
  title: string | null;
  department: string | null;
  /** Midnight UTC of the birthday, or null. */
  birthdate: number | null;
  doNotCall: boolean;
  emailOptOut: boolean;
  leadSource: LeadSource | null;
  mailing: Address;
  /** A lower-index contact, usually of the same account, or null. */
  reportsTo: number | null;
  description: string | null;
  preferredLanguage: string | null;
}

const T_CONTACT = tagOf('contact');
const T_PRIVATE = tagOf('contact.private');
const T_EMAIL = tagOf('contact.email');
const T_CREATED = tagOf('contact.created');
const FREE_MAIL = ['mail.example', 'webmail.example', 'inbox.example'];

/** The account of contact `i`: the account whose block holds it, except for the 5% private contacts. */
export function contactAccount(context: GenerationContext, i: number): number | null {
  if (unit(context.base, T_PRIVATE, i) < 0.05) return null;
  const a = context.contactsOfAccount.parentOf(i);
  return a < 0 ? null : a;
}

/** Whether contact `i` has an e-mail address (88% do). */
export function contactHasEmail(context: GenerationContext, i: number): boolean {
  return unit(context.base, T_EMAIL, i) >= 0.12;
}

/** Contact `i` of the context. */
export function contact(context: GenerationContext, i: number): CoreContact {
  const rng = rngFor(context.base, T_CONTACT, i);
  const accountIndex = contactAccount(context, i);
  const company = accountIndex === null ? undefined : accountName(context, accountIndex);
  const p = person(rng, company && rng.chance(0.7) ? company.culture : undefined);
  const local = emailLocal(p);
  let email: string | null = null;
  if (contactHasEmail(context, i)) {
    email = company
      ? rng.weighted([[`${local}@${company.domain}`, 8], [`${p.firstAscii.charAt(0)}${p.lastAscii}@${company.domain}`, 3], [`${local.toUpperCase()}@${company.domain}`, 1]])
      : `${local}${rng.between(1, 99)}@${rng.pick(FREE_MAIL)}`;
  }
  let reportsTo: number | null = null;
  if (accountIndex !== null) {
    const [start] = context.contactsOfAccount.range(accountIndex);
    if (i > start && rng.chance(0.35)) reportsTo = start + (hash32(context.base, T_CONTACT, i, 1) % (i - start));
  } else if (i > 0 && rng.chance(0.05)) {
    reportsTo = rng.int(i);
  }
  const own = createdAtOf(context, T_CREATED, i, context.counts.contacts);
  const createdAt = accountIndex === null ? own : Math.max(own, accountCreatedAt(context, accountIndex) + rng.int(30 * DAY));
  const birthYear = rng.between(1950, 2003);
  return {
    index: i,
    account: accountIndex,
    person: p,
    salutation: rng.orNull(0.4, rng.pick(['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.'])),
    email,
    phone: rng.orNull(0.25, phone(rng, p.culture)),
    mobile: rng.orNull(0.5, phone(rng, p.culture)),
    title: rng.orNull(0.15, rng.pick(CONTACT_TITLES)),
    department: rng.orNull(0.4, rng.pick(DEPARTMENTS)),
    birthdate: rng.chance(0.6) ? null : Date.UTC(birthYear, rng.int(12), rng.between(1, 28)),
    doNotCall: rng.chance(0.05),
    emailOptOut: rng.chance(0.08),
    leadSource: rng.orNull(0.3, rng.weighted(LEAD_SOURCES)),
    mailing: address(rng, p.culture, 0.3),
    reportsTo,
    description: description(rng, 0.7, 0.01),
    preferredLanguage: rng.orNull(0.5, p.culture.locale.slice(0, 2)),
    ...stampsOf(context, rng, createdAt),
  };
}

/** A contact's display name, for summaries (tracker rows, subjects). */
export function contactName(context: GenerationContext, i: number): string {
  return contact(context, i).person.full;
}
