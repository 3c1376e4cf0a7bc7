/** Accounts (companies), independent of any CRM's layout; shapes map them to their own tables. */
import { stampsOf, createdAtOf, type GenerationContext, type Stamps } from '../context.js';
import { hash32, rngFor, tagOf, unit } from '../random.js';
import { companyName, lookalikeName, slugOf, INDUSTRIES } from '../vocabulary/companies.js';
import { cultureAt, type Culture } from '../vocabulary/cultures.js';
import { address, phone, type Address } from '../vocabulary/people.js';
import { description } from '../vocabulary/texts.js';

/** The relationship of an account to the company. */
export type AccountType = 'prospect' | 'customer' | 'channel' | 'partner' | 'competitor' | 'other';

/** One account. */
export interface CoreAccount extends Stamps {
  index: number;
  name: string;
  /** Web and e-mail domain, shared by look-alike duplicates. */
  domain: string;
  culture: Culture;
  type: AccountType;
  industry: string | null;
  /** Whole units of currency. */
  annualRevenue: number | null;
  employees: number | null;
  website: string | null;
  phone: string | null;
  fax: string | null;
  billing: Address;
  /** A lower-index account, or null. */
  parent: number | null;
  rating: 'Hot' | 'Warm' | 'Cold' | null;
  description: string | null;
  tier: 'Gold' | 'Silver' | 'Bronze' | null;
  latitude: number | null;
  longitude: number | null;
}

const T_NAME = tagOf('account.name');
const T_ACCOUNT = tagOf('account');
const T_CREATED = tagOf('account.created');

interface AccountName {
  name: string;
  domain: string;
  culture: Culture;
}

function baseName(context: GenerationContext, i: number): AccountName {
  const rng = rngFor(context.base, T_NAME, i);
  const culture = cultureAt(rng.next());
  const [name, ascii] = companyName(rng, culture);
  return { name, domain: `${slugOf(ascii)}.example`, culture };
}

/**
 * The name of account `i`, cheap enough for other records to call (an
 * opportunity's name, a lead's company). About 3% are look-alikes of an
 * earlier account: `ACME Corp` next to `Acme Corp`.
 */
export function accountName(context: GenerationContext, i: number): AccountName {
  if (i > 0 && unit(context.base, T_NAME, i, 1) < 0.03) {
    const original = baseName(context, hash32(context.base, T_NAME, i, 2) % i);
    const rng = rngFor(context.base, T_NAME ^ 0xbeef, i);
    return { ...original, name: lookalikeName(rng, original.name) };
  }
  return baseName(context, i);
}

/** When account `i` was created. */
export function accountCreatedAt(context: GenerationContext, i: number): number {
  return createdAtOf(context, T_CREATED, i, context.counts.accounts);
}

/** Account `i` of the context. */
export function account(context: GenerationContext, i: number): CoreAccount {
  const rng = rngFor(context.base, T_ACCOUNT, i);
  const { name, domain, culture } = accountName(context, i);
  const type = rng.weighted<AccountType>([['customer', 45], ['prospect', 35], ['channel', 6], ['partner', 7], ['competitor', 3], ['other', 4]]);
  // Revenue and headcount are log-uniform and roughly proportional.
  const size = rng.next();
  const revenue = Math.round(10 ** (5 + size * 4.7) / 1000) * 1000;
  const employees = Math.max(1, Math.round(revenue / (150_000 + rng.next() * 250_000)));
  const billing = address(rng, culture, 0.15);
  const hasParent = i > 0 && rng.chance(0.15);
  const located = billing.city !== null && rng.chance(0.7);
  return {
    index: i,
    name,
    domain,
    culture,
    type,
    industry: rng.orNull(0.12, rng.pick(INDUSTRIES)),
    annualRevenue: rng.orNull(0.25, revenue),
    employees: rng.orNull(0.2, employees),
    website: rng.orNull(0.15, rng.weighted([[`https://www.${domain}`, 6], [`http://${domain}`, 2], [`www.${domain}`, 2], [domain, 1]])),
    phone: rng.orNull(0.1, phone(rng, culture)),
    fax: rng.orNull(0.8, phone(rng, culture)),
    billing,
    parent: hasParent ? rng.int(i) : null,
    rating: rng.orNull(0.3, rng.pick(['Hot', 'Warm', 'Cold'] as const)),
    description: description(rng, 0.4, 0.02),
    tier: rng.orNull(0.4, rng.pick(['Gold', 'Silver', 'Bronze'] as const)),
    latitude: located ? Math.round((rng.next() * 140 - 60) * 1e6) / 1e6 : null,
    longitude: located ? Math.round((rng.next() * 360 - 180) * 1e6) / 1e6 : null,
    ...stampsOf(context, rng, accountCreatedAt(context, i)),
  };
}
