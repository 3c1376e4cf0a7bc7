/** Leads (people not yet qualified), independent of any CRM's layout. */
import { createdAtOf, existingAt, stampsOf, type GenerationContext, type Stamps } from '../context.js';
import { DAY } from '../moments.js';
import { hash32, rngFor, tagOf, unit } from '../random.js';
import { companyName, slugOf, INDUSTRIES } from '../vocabulary/companies.js';
import { cultureAt } from '../vocabulary/cultures.js';
import { address, emailLocal, person, phone, type Address, type Person } from '../vocabulary/people.js';
import { CONTACT_TITLES, description } from '../vocabulary/texts.js';
import { accountName } from './accounts.js';
import { contactAccount, LEAD_SOURCES, type LeadSource } from './contacts.js';

/** Where a lead stands. */
export type LeadStage = 'new' | 'working' | 'nurturing' | 'qualified' | 'unqualified' | 'converted';

/** The records a converted lead became. */
export interface LeadConversion {
  contact: number;
  account: number | null;
  opportunity: number | null;
  at: number;
}

/** One lead. */
export interface CoreLead extends Stamps {
  index: number;
  person: Person;
  salutation: string | null;
  company: string;
  /** The existing account the company name copies (a lead from a customer), or null. */
  companyAccount: number | null;
  title: string | null;
  email: string | null;
  phone: string | null;
  mobile: string | null;
  website: string | null;
  stage: LeadStage;
  source: LeadSource | null;
  rating: 'Hot' | 'Warm' | 'Cold' | null;
  /** 0–100. */
  score: number | null;
  industry: string | null;
  annualRevenue: number | null;
  employees: number | null;
  address: Address;
  doNotCall: boolean;
  description: string | null;
  converted: LeadConversion | null;
}

const T_LEAD = tagOf('lead');
const T_EMAIL = tagOf('lead.email');
const T_CREATED = tagOf('lead.created');

/** Whether lead `i` has an e-mail address (90% do). */
export function leadHasEmail(context: GenerationContext, i: number): boolean {
  return unit(context.base, T_EMAIL, i) >= 0.1;
}

/** Lead `i` of the context. */
export function lead(context: GenerationContext, i: number): CoreLead {
  const rng = rngFor(context.base, T_LEAD, i);
  const { accounts, contacts, leads } = context.counts;
  const companyAccount = accounts > 0 && rng.chance(0.15) ? rng.int(existingAt(accounts, i, leads)) : null;
  let company: string;
  let domain: string;
  let culture = cultureAt(rng.next());
  if (companyAccount !== null) {
    const known = accountName(context, companyAccount);
    company = known.name;
    domain = known.domain;
    culture = known.culture;
  } else {
    const [display, ascii] = companyName(rng, culture);
    company = display;
    domain = `${slugOf(ascii)}.example`;
  }
  const p = person(rng, rng.chance(0.7) ? culture : undefined);
  const createdAt = createdAtOf(context, T_CREATED, i, context.counts.leads);
  const age = context.asOf - createdAt;
  let stage: LeadStage = rng.weighted<LeadStage>([['new', 25], ['working', 20], ['nurturing', 15], ['qualified', 8], ['unqualified', 14], ['converted', 18]]);
  if (stage === 'new' && age > 365 * DAY && rng.chance(0.6)) stage = 'unqualified';
  let converted: LeadConversion | null = null;
  if (stage === 'converted') {
    if (contacts === 0) stage = 'qualified';
    else {
      const contactIndex = hash32(context.base, T_LEAD, i, 1) % existingAt(contacts, i, leads);
      const accountIndex = contactAccount(context, contactIndex);
      let opportunity: number | null = null;
      if (accountIndex !== null && rng.chance(0.7)) {
        const [start, end] = context.opportunitiesOfAccount.range(accountIndex);
        if (end > start) opportunity = start + rng.int(end - start);
      }
      converted = { contact: contactIndex, account: accountIndex, opportunity, at: createdAt + rng.next() * Math.min(120 * DAY, age) };
    }
  }
  const size = rng.next();
  return {
    index: i,
    person: p,
    salutation: rng.orNull(0.5, rng.pick(['Mr.', 'Ms.', 'Mrs.', 'Dr.'])),
    company,
    companyAccount,
    title: rng.orNull(0.3, rng.pick(CONTACT_TITLES)),
    email: leadHasEmail(context, i) ? `${emailLocal(p)}@${domain}` : null,
    phone: rng.orNull(0.3, phone(rng, p.culture)),
    mobile: rng.orNull(0.6, phone(rng, p.culture)),
    website: rng.orNull(0.5, `https://${domain}`),
    stage,
    source: rng.orNull(0.15, rng.weighted(LEAD_SOURCES)),
    rating: rng.orNull(0.4, rng.pick(['Hot', 'Warm', 'Cold'] as const)),
    score: rng.orNull(0.2, Math.round(rng.next() ** 1.5 * 100)),
    industry: rng.orNull(0.4, rng.pick(INDUSTRIES)),
    annualRevenue: rng.orNull(0.6, Math.round(10 ** (5 + size * 4) / 1000) * 1000),
    employees: rng.orNull(0.5, Math.max(1, Math.round(10 ** (size * 4)))),
    address: address(rng, culture, 0.4),
    doNotCall: rng.chance(0.04),
    description: description(rng, 0.7, 0.01),
    converted,
    ...stampsOf(context, rng, createdAt),
  };
}
