/** SuiteCRM ids: deterministic UUIDs per module and index; the first administrator is user `1`, as in every SuiteCRM install. */
import type { GenerationContext } from '../context.js';
import { uuidId } from '../ids.js';
import { tagOf } from '../random.js';

/** What a SuiteCRM id identifies. */
export type SuiteIdKind =
  | 'users'
  | 'accounts'
  | 'contacts'
  | 'leads'
  | 'opportunities'
  | 'calls'
  | 'tasks'
  | 'notes'
  | 'currencies'
  | 'tracker.monitor'
  | 'accounts_contacts'
  | 'accounts_opportunities'
  | 'opportunities_contacts'
  | 'email.users'
  | 'email.contacts'
  | 'email.leads'
  | 'rel.users'
  | 'rel.contacts'
  | 'rel.leads';

const TAGS = new Map<string, number>();

/** The id of record `index` of a kind (calls and tasks share the activity index space). */
export function suiteId(context: GenerationContext, kind: SuiteIdKind, index: number): string {
  if (kind === 'users' && index === 0) return '1';
  let tag = TAGS.get(kind);
  if (tag === undefined) {
    tag = tagOf(`suitecrm.${kind}`);
    TAGS.set(kind, tag);
  }
  return uuidId(context.base, tag, index);
}

/** A reference to record `index` of a kind, or null. */
export function suiteRef(context: GenerationContext, kind: SuiteIdKind, index: number | null): string | null {
  return index === null ? null : suiteId(context, kind, index);
}

/** Truncates to `length` characters (not UTF-16 units), as SuiteCRM's forms do. */
export function fit(text: string | null, length: number): string | null {
  if (text === null) return null;
  const chars = Array.from(text);
  return chars.length <= length ? text : chars.slice(0, length).join('');
}
