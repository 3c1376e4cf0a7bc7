/** Opportunities (deals), independent of any CRM's layout. */
import { createdAtOf, stampsOf, type GenerationContext, type Stamps } from '../context.js';
import { DAY } from '../moments.js';
import { rngFor, tagOf } from '../random.js';
import { DEALS } from '../vocabulary/companies.js';
import { description } from '../vocabulary/texts.js';
import { accountCreatedAt, accountName } from './accounts.js';
import { LEAD_SOURCES, type LeadSource } from './contacts.js';

/** Salesforce's (and SuiteCRM's) sales stages, in order; the shapes map the index to their own values. */
export const STAGES = [
  'Prospecting',
  'Qualification',
  'Needs Analysis',
  'Value Proposition',
  'Id. Decision Makers',
  'Perception Analysis',
  'Proposal/Price Quote',
  'Negotiation/Review',
  'Closed Won',
  'Closed Lost',
] as const;

/** Default probability of each stage, in percent. */
export const STAGE_PROBABILITY = [10, 10, 20, 50, 60, 70, 75, 90, 100, 0] as const;

/** Index of `Closed Won` in {@link STAGES}. */
export const WON = 8;
/** Index of `Closed Lost` in {@link STAGES}. */
export const LOST = 9;

/** One opportunity. */
export interface CoreOpportunity extends Stamps {
  index: number;
  account: number;
  name: string;
  /** Index into {@link STAGES}. */
  stage: number;
  probability: number;
  /** In cents (or the currency's minor unit), or null. */
  amountCents: number | null;
  currency: string;
  /** Midnight UTC. */
  closeDate: number;
  type: 'New Business' | 'Existing Business' | 'Renewal' | null;
  leadSource: LeadSource | null;
  nextStep: string | null;
  forecastCategory: 'Pipeline' | 'Best Case' | 'Commit' | 'Closed' | 'Omitted';
  /** A contact of the account, or null. */
  primaryContact: number | null;
  description: string | null;
}

/** Exchange rates to USD, for amounts in US dollars. */
export const USD_RATES: Readonly<Record<string, number>> = { USD: 1, EUR: 1.08, GBP: 1.27, JPY: 0.0067, PLN: 0.25, BRL: 0.2, INR: 0.012 };

const T_OPPORTUNITY = tagOf('opportunity');
const T_CREATED = tagOf('opportunity.created');

/** Opportunity `i` of the context. */
export function opportunity(context: GenerationContext, i: number): CoreOpportunity {
  const rng = rngFor(context.base, T_OPPORTUNITY, i);
  const accountIndex = Math.max(0, context.opportunitiesOfAccount.parentOf(i));
  const own = createdAtOf(context, T_CREATED, i, context.counts.opportunities);
  const createdAt = Math.max(own, accountCreatedAt(context, accountIndex) + rng.int(60 * DAY));
  const age = context.asOf - createdAt;
  let stage: number;
  if (age > 270 * DAY || rng.chance(0.25)) stage = rng.chance(0.4) ? WON : LOST;
  else stage = rng.int(8);
  const closed = stage >= WON;
  const day = (ms: number): number => Math.floor(ms / DAY) * DAY;
  const closeDate = closed
    ? day(createdAt + rng.next() * Math.min(180 * DAY, Math.max(DAY, age)))
    : day(context.asOf + rng.between(-30, 270) * DAY);
  const currency = rng.weighted([['USD', 60], ['EUR', 20], ['GBP', 7], ['JPY', 5], ['PLN', 3], ['BRL', 3], ['INR', 2]]);
  const major = Math.round(10 ** (3 + rng.next() * 3.3));
  const cents = currency === 'JPY' ? major * 100 * 150 : rng.chance(0.3) ? major * 100 + rng.int(100) : major * 100;
  const [contactStart, contactEnd] = context.contactsOfAccount.range(accountIndex);
  const forecast: CoreOpportunity['forecastCategory'] = closed
    ? stage === WON
      ? 'Closed'
      : 'Omitted'
    : stage >= 6
      ? 'Commit'
      : stage >= 4
        ? 'Best Case'
        : 'Pipeline';
  return {
    index: i,
    account: accountIndex,
    name: `${accountName(context, accountIndex).name} - ${rng.pick(DEALS)}${rng.chance(0.4) ? ` ${new Date(closeDate).getUTCFullYear()}` : ''}`,
    stage,
    probability: STAGE_PROBABILITY[stage] as number,
    amountCents: rng.orNull(0.08, cents),
    currency,
    closeDate,
    type: rng.orNull(0.2, rng.pick(['New Business', 'Existing Business', 'Renewal'] as const)),
    leadSource: rng.orNull(0.3, rng.weighted(LEAD_SOURCES)),
    nextStep: closed ? null : rng.orNull(0.5, rng.pick(['Send proposal', 'Schedule demo', 'Legal review', 'Wait for PO', 'Call CFO', 'Follow up after holidays'])),
    forecastCategory: forecast,
    primaryContact: contactEnd > contactStart && rng.chance(0.7) ? contactStart + rng.int(contactEnd - contactStart) : null,
    description: description(rng, 0.6, 0.01),
    ...stampsOf(context, rng, createdAt),
  };
}
