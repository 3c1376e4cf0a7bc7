/**
 * What one target field says about the source fields its rule reads, for
 * one record: a value, a reference to a new record, a set of candidates,
 * nothing that fits, one part of a split text, or nothing at all. Internal
 * to the reverse; reverse-combine.ts turns them into a source record.
 */
import type { Value } from '../values.js';
import type { NewRecordLink, ReverseContext } from './reverse-types.js';
import type { CandidateSet } from './reverse-values.js';

/** The `split` of a rule: which part of the source text the target field holds. */
export interface SplitSpec {
  separator: string;
  index: number;
  rest: boolean;
}

/** What a target field says about one source field. */
export type Proposal =
  /** The source value; `approximate` says what may differ, `lossy` that the source cannot hold all of it. */
  | { kind: 'value'; value: Value; approximate: string[]; lossy?: string }
  /** A reference to a record created after go-live. */
  | { kind: 'link'; link: Omit<NewRecordLink, 'field'> }
  /** Several source values give the target value. */
  | { kind: 'choices'; set: CandidateSet; reason: string }
  /** No source value gives it. */
  | { kind: 'lost'; reason: string }
  /** One part of the source text (`split`): put together with the other parts. */
  | { kind: 'part'; split: SplitSpec; value: string | null; approximate: string[] }
  /** This target field says nothing about the source field for this record (a later alternative of `first`). */
  | { kind: 'unknown' };

/** A compiled target field, backwards. */
export interface Reverser {
  /** The source fields the rule reads (in rule order). */
  reads: string[];
  /** How each source field is read back, in words. */
  how: Map<string, string>;
  /** Lower is stronger: a value read straight back beats one alternative of several. */
  rank: number;
  /** The rule holds no lookup or user, so it can be run forward again on values alone. */
  pure: boolean;
  /** What the target field's value says about each source field it reads. */
  reverse(value: Value, context: ReverseContext): Map<string, Proposal>;
  /** Referenced target records the context will be asked about. */
  references(value: Value): Array<{ targetObjects: string[]; targetId: string }>;
  /** Target users the context will be asked about. */
  users(value: Value): string[];
}

/** A value proposal. */
export function valueProposal(value: Value, approximate: string[] = [], lossy?: string): Proposal {
  return lossy === undefined ? { kind: 'value', value, approximate } : { kind: 'value', value, approximate, lossy };
}

/** The same proposal for every field. */
export function allFields(fields: readonly string[], proposal: Proposal): Map<string, Proposal> {
  return new Map(fields.map((field) => [field, proposal]));
}
