/**
 * Everything a record's values are computed from: the seed, "now", the
 * counts of each kind, the users, and the parent/child layouts. Small and
 * fixed-size whatever the number of records.
 */
import { Blocks } from './blocks.js';
import { allocate, defaultUsers, type BusinessCounts } from './counts.js';
import { DAY } from './moments.js';
import { rngFor, seedBase, tagOf, type Rng } from './random.js';
import { staffDomain, staffUsers, type StaffUser } from './staff.js';

/** The inputs and shared layout of one generated CRM. */
export interface GenerationContext {
  seed: number;
  /** The seed as a 32-bit hash base. */
  base: number;
  /** "Now" of the data, in ms since the epoch (UTC). */
  asOf: number;
  counts: BusinessCounts;
  staff: readonly StaffUser[];
  /** Users who own records: sales, managers, support and marketing, including those who left. */
  owners: readonly number[];
  /** The company's e-mail domain (users' addresses). */
  domain: string;
  contactsOfAccount: Blocks;
  opportunitiesOfAccount: Blocks;
}

/** The context for a seed, "now", total business records and number of users. */
export function createContext(seed: number, asOf: Date, records: number, users?: number): GenerationContext {
  const base = seedBase(seed);
  const at = asOf.getTime();
  const counts = allocate(records);
  const staff = staffUsers(base, users ?? defaultUsers(records), at);
  const owners = staff.filter((user) => user.role !== 'admin' && user.role !== 'read_only').map((user) => user.index);
  return {
    seed,
    base,
    asOf: at,
    counts,
    staff,
    owners: owners.length > 0 ? owners : staff.map((user) => user.index),
    domain: staffDomain(base),
    contactsOfAccount: new Blocks(counts.accounts, counts.contacts, base, tagOf('blocks.contacts')),
    opportunitiesOfAccount: new Blocks(counts.accounts, counts.opportunities, base, tagOf('blocks.opportunities')),
  };
}

/** Who created, changed and owns a record, when, and whether it is soft-deleted. */
export interface Stamps {
  createdAt: number;
  updatedAt: number;
  createdBy: number;
  updatedBy: number;
  owner: number;
  deleted: boolean;
}

/** Years of history in a generated CRM. */
export const HISTORY_YEARS = 6;

/**
 * When record `index` of `count` was created: ids grow with time as in a
 * real database, spread over {@link HISTORY_YEARS} years, to the second.
 */
export function createdAtOf(context: GenerationContext, tag: number, index: number, count: number): number {
  const span = HISTORY_YEARS * 365 * DAY;
  const rng = rngFor(context.base, tag ^ 0x5a5a5a5a, index);
  const at = context.asOf - span + ((index + rng.next()) / Math.max(1, count)) * (span - DAY);
  return Math.floor(at / 1000) * 1000;
}

/**
 * Stamps of a record created at `createdAt`: a third changed in the last 90
 * days, the rest some time after creation; owned by a sales user, created by
 * the owner four times in five; soft-deleted with probability `deletedShare`.
 */
export function stampsOf(context: GenerationContext, rng: Rng, createdAt: number, deletedShare = 0.03): Stamps {
  const owner = rng.pick(context.owners);
  const created = Math.min(createdAt, context.asOf - 1000);
  const recent = rng.chance(0.35);
  const updated = recent ? Math.max(created, context.asOf - rng.next() * 90 * DAY) : created + rng.next() * 0.7 * (context.asOf - created);
  const staffCount = context.staff.length;
  return {
    createdAt: created,
    updatedAt: Math.min(context.asOf - 1000, Math.floor(updated / 1000) * 1000),
    createdBy: rng.chance(0.8) ? owner : rng.int(staffCount),
    updatedBy: rng.chance(0.6) ? owner : rng.int(staffCount),
    owner,
    deleted: rng.chance(deletedShare),
  };
}

/**
 * How many of `count` records existed when record `i` of `total` (of
 * another kind, also created in id order) was created: references stay to
 * records that already existed, so older accounts collect more history.
 */
export function existingAt(count: number, i: number, total: number): number {
  if (count <= 0) return 0;
  return Math.max(1, Math.min(count, Math.ceil((count * (i + 1)) / Math.max(1, total))));
}
