/** Activities (calls, e-mails, meetings, tasks) and notes, independent of any CRM's layout. */
import { createdAtOf, existingAt, stampsOf, type GenerationContext, type Stamps } from '../context.js';
import { DAY, MINUTE } from '../moments.js';
import { hash32, rngFor, tagOf, unit } from '../random.js';
import { description, noteBody, noteTitle, subject } from '../vocabulary/texts.js';
import { accountName } from './accounts.js';
import { contact } from './contacts.js';

/** What kind of activity. */
export type ActivityKind = 'call' | 'email' | 'meeting' | 'task';

/** One activity. */
export interface CoreActivity extends Stamps {
  index: number;
  kind: ActivityKind;
  subject: string;
  account: number | null;
  contact: number | null;
  lead: number | null;
  opportunity: number | null;
  /** When it is (or was) due, to the minute. */
  dueAt: number;
  status: 'open' | 'in_progress' | 'completed' | 'cancelled';
  priority: 'high' | 'normal' | 'low';
  direction: 'inbound' | 'outbound' | null;
  durationMinutes: number | null;
  body: string | null;
}

/** What a note is attached to. */
export type NoteParent = 'account' | 'contact' | 'lead' | 'opportunity';

/** One note. */
export interface CoreNote extends Stamps {
  index: number;
  parentType: NoteParent;
  parent: number;
  /** A contact the note is about (the parent itself, or a contact of the parent account), or null. */
  contact: number | null;
  title: string;
  body: string;
  isPrivate: boolean;
}

const T_ACTIVITY = tagOf('activity');
const T_KIND = tagOf('activity.kind');
const T_CREATED = tagOf('activity.created');
const T_NOTE = tagOf('note');
const T_NOTE_CREATED = tagOf('note.created');

/** The kind of activity `i` (35% calls, 25% e-mails, 15% meetings, 25% tasks), cheap for counting. */
export function activityKind(context: GenerationContext, i: number): ActivityKind {
  const r = unit(context.base, T_KIND, i);
  return r < 0.35 ? 'call' : r < 0.6 ? 'email' : r < 0.75 ? 'meeting' : 'task';
}

/** Activity `i` of the context. */
export function activity(context: GenerationContext, i: number): CoreActivity {
  const rng = rngFor(context.base, T_ACTIVITY, i);
  const { accounts, leads, activities } = context.counts;
  const kind = activityKind(context, i);
  let accountIndex: number | null = null;
  let contactIndex: number | null = null;
  let leadIndex: number | null = null;
  let opportunityIndex: number | null = null;
  if (leads > 0 && (accounts === 0 || rng.chance(0.2))) {
    leadIndex = rng.int(existingAt(leads, i, activities));
  } else if (accounts > 0) {
    accountIndex = hash32(context.base, T_ACTIVITY, i, 1) % existingAt(accounts, i, activities);
    const [cs, ce] = context.contactsOfAccount.range(accountIndex);
    if (ce > cs && rng.chance(0.75)) contactIndex = cs + rng.int(ce - cs);
    const [os, oe] = context.opportunitiesOfAccount.range(accountIndex);
    if (oe > os && rng.chance(0.45)) opportunityIndex = os + rng.int(oe - os);
  }
  const company = accountIndex === null ? undefined : accountName(context, accountIndex);
  const who = contactIndex === null ? undefined : contact(context, contactIndex).person;
  const createdAt = createdAtOf(context, T_CREATED, i, context.counts.activities);
  const dueAt = Math.floor((createdAt + rng.between(-2 * 24 * 60, 14 * 24 * 60) * MINUTE) / MINUTE) * MINUTE;
  const past = dueAt < context.asOf;
  const status = past
    ? rng.weighted<CoreActivity['status']>([['completed', 85], ['cancelled', 5], ['open', 10]])
    : rng.weighted<CoreActivity['status']>([['open', 70], ['in_progress', 30]]);
  const body = kind === 'email' ? description(rng, 0.1, 0.04) : description(rng, 0.4, 0.005);
  return {
    index: i,
    kind,
    subject: subject(rng, kind, { name: who?.full ?? 'customer', company: company?.name ?? 'the customer', city: company?.culture.cities[0]?.[0] ?? 'HQ' }),
    account: accountIndex,
    contact: contactIndex,
    lead: leadIndex,
    opportunity: opportunityIndex,
    dueAt,
    status,
    priority: rng.weighted<CoreActivity['priority']>([['normal', 70], ['high', 20], ['low', 10]]),
    direction: kind === 'call' || kind === 'email' ? (rng.chance(0.35) ? 'inbound' : 'outbound') : null,
    durationMinutes: kind === 'call' ? rng.between(1, 60) : kind === 'meeting' ? rng.pick([30, 45, 60, 90, 120]) : null,
    body,
    ...stampsOf(context, rng, Math.min(createdAt, context.asOf - DAY)),
  };
}

/** The parent kind of note `i`, with a kind that has records (accounts always do when there are notes). */
export function noteParent(context: GenerationContext, i: number): { type: NoteParent; index: number } {
  const { accounts, contacts, leads, opportunities, notes } = context.counts;
  const r = unit(context.base, T_NOTE, i, 3);
  const pickIn = (count: number): number => hash32(context.base, T_NOTE, i, 4) % existingAt(count, i, notes);
  if (r < 0.3 && contacts > 0) return { type: 'contact', index: pickIn(contacts) };
  if (r < 0.5 && opportunities > 0) return { type: 'opportunity', index: pickIn(opportunities) };
  if (r < 0.6 && leads > 0) return { type: 'lead', index: pickIn(leads) };
  return { type: 'account', index: pickIn(Math.max(1, accounts)) };
}

/** Note `i` of the context. */
export function note(context: GenerationContext, i: number): CoreNote {
  const rng = rngFor(context.base, T_NOTE, i);
  const parent = noteParent(context, i);
  let contactIndex: number | null = parent.type === 'contact' ? parent.index : null;
  if (parent.type === 'account' && rng.chance(0.3)) {
    const [start, end] = context.contactsOfAccount.range(parent.index);
    if (end > start) contactIndex = start + rng.int(end - start);
  }
  return {
    index: i,
    parentType: parent.type,
    parent: parent.index,
    contact: contactIndex,
    title: noteTitle(rng),
    body: noteBody(rng, 0.05),
    isPrivate: rng.chance(0.1),
    ...stampsOf(context, rng, createdAtOf(context, T_NOTE_CREATED, i, context.counts.notes)),
  };
}
