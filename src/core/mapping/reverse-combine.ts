/**
 * One source field from everything the target fields reading it say: a
 * definite value wins (from a field changed since go-live before an
 * unchanged one, then the strongest rule); candidate sets narrow each
 * other; the parts of a split text are put together again. Disagreements
 * are reported lossy, with the value kept.
 */
import { valuesEqual, type Value } from '../values.js';
import type { Proposal, SplitSpec } from './reverse-proposal.js';
import type { NewRecordLink, ReverseContext } from './reverse-types.js';
import { inSet, intersect, show, showList, single, type CandidateSet } from './reverse-values.js';

/** What one target field says about the source field. */
export interface Contribution {
  targetField: string;
  /** Lower is stronger. */
  rank: number;
  /** Position of the target field in the plan. */
  order: number;
  proposal: Proposal;
}

/** One source field as the reverse gives it. */
export interface CombinedField {
  /** Set when the field gets a value. */
  value?: { value: Value };
  link?: Omit<NewRecordLink, 'field'>;
  lossy: string[];
  approximate: string[];
}

type Definite = Contribution & { proposal: Extract<Proposal, { kind: 'value' | 'link' }> };
type Choice = Contribution & { proposal: Extract<Proposal, { kind: 'choices' }> };
type Part = Contribution & { proposal: Extract<Proposal, { kind: 'part' }> };

function describe(proposal: Definite['proposal']): string {
  return proposal.kind === 'link' ? `the new ${proposal.link.targetObject} ${proposal.link.targetId}` : show(proposal.value);
}

function same(a: Definite['proposal'], b: Definite['proposal']): boolean {
  if (a.kind === 'link' || b.kind === 'link') return a.kind === 'link' && b.kind === 'link' && a.link.targetId === b.link.targetId && a.link.targetObject === b.link.targetObject;
  return valuesEqual(a.value, b.value);
}

/** Combines what every target field says about one source field. */
export function combineField(field: string, contributions: Contribution[], context: ReverseContext): CombinedField | undefined {
  const changed = context.changed;
  const fresh = (c: Contribution): boolean => !changed || changed.has(c.targetField);
  const byStrength = (a: Contribution, b: Contribution): number => Number(fresh(b)) - Number(fresh(a)) || a.rank - b.rank || a.order - b.order;
  const said = contributions.filter((c) => c.proposal.kind !== 'unknown').sort(byStrength);
  if (said.length === 0) return undefined;
  const definite = said.filter((c): c is Definite => c.proposal.kind === 'value' || c.proposal.kind === 'link');
  const choices = said.filter((c): c is Choice => c.proposal.kind === 'choices');
  const parts = said.filter((c): c is Part => c.proposal.kind === 'part');
  const lost = said.filter((c) => c.proposal.kind === 'lost');
  const out: CombinedField = { lossy: [], approximate: [] };

  if (definite.length > 0) {
    const best = definite[0]!;
    if (best.proposal.kind === 'link') out.link = best.proposal.link;
    else {
      out.value = { value: best.proposal.value };
      out.approximate.push(...best.proposal.approximate);
      if (best.proposal.lossy) out.lossy.push(best.proposal.lossy);
    }
    const disagree: string[] = [];
    for (const other of definite.slice(1)) if (!same(best.proposal, other.proposal)) disagree.push(`${other.targetField} gives ${describe(other.proposal)}`);
    if (best.proposal.kind === 'value') {
      const value = best.proposal.value;
      for (const choice of choices) {
        if (!inSet(choice.proposal.set, value)) {
          disagree.push(choice.proposal.reason);
        }
      }
    }
    for (const other of lost) if (fresh(other)) disagree.push(other.proposal.kind === 'lost' ? other.proposal.reason : other.targetField);
    if (disagree.length > 0) out.lossy.push(`${best.targetField} gives ${describe(best.proposal)}, but ${disagree.join('; ')}: ${field} holds one value, ${describe(best.proposal)} is kept`);
    return out;
  }
  if (parts.length > 0) return joinParts(field, parts, context, out);
  // The strongest field that cannot be carried back speaks first: a value no source value gives is not narrowed by others.
  const first = said.find((c) => c.proposal.kind === 'lost' || c.proposal.kind === 'choices');
  if (first?.proposal.kind === 'lost' || choices.length === 0) {
    const lostFirst = (first ?? lost[0])!.proposal;
    out.lossy.push(lostFirst.kind === 'lost' ? lostFirst.reason : `${field} cannot be told`);
    return out;
  }
  {
    let set: CandidateSet = choices[0]!.proposal.set;
    for (const choice of choices.slice(1)) {
      const narrowed = intersect(set, choice.proposal.set);
      // A stale field that rules out everything is not allowed to.
      if (!('only' in narrowed && narrowed.only.length === 0) || fresh(choice)) set = narrowed;
    }
    const one = single(set);
    if (one) {
      out.value = { value: one.value };
      return out;
    }
    const reason = choices[0]!.proposal.reason;
    const narrowed = 'only' in set && 'only' in choices[0]!.proposal.set && set.only.length < choices[0]!.proposal.set.only.length;
    out.lossy.push(narrowed ? `${reason}; with ${choices.slice(1).map((c) => c.targetField).join(', ')}: ${showList((set as { only: Value[] }).only)}` : 'only' in set && set.only.length === 0 ? `${reason}; the other fields reading ${field} rule them all out` : reason);
    return out;
  }
}

/** Parts of a text (`split`) put back together: over the text the source had, or in order of their positions. */
function joinParts(field: string, parts: Part[], context: ReverseContext, out: CombinedField): CombinedField {
  const separator = parts[0]!.proposal.split.separator;
  if (parts.some((part) => part.proposal.split.separator !== separator)) {
    out.lossy.push(`${field} is cut at different separators (${[...new Set(parts.map((part) => JSON.stringify(part.proposal.split.separator)))].join(', ')}) by ${parts.map((part) => part.targetField).join(', ')}: it cannot be put together`);
    return out;
  }
  for (const part of parts) out.approximate.push(...part.proposal.approximate);
  const pieces = (text: string | null): string[] => (text === null ? [] : text.split(separator).filter((piece) => piece.trim() !== ''));
  const before = context.before?.values[field];
  const fixed = parts.filter((part) => !part.proposal.split.rest).sort((a, b) => order(a.proposal.split) - order(b.proposal.split));
  const rest = parts.find((part) => part.proposal.split.rest);
  let joined: string[];
  if (typeof before === 'string' && before.trim() !== '') {
    // The parts the target keeps replace theirs in the text the source had; the others stay.
    const slots: Array<string | null> = pieces(before);
    const length = slots.length;
    for (const part of fixed) {
      const at = part.proposal.split.index < 0 ? length + part.proposal.split.index : part.proposal.split.index;
      if (at >= 0) slots[at] = part.proposal.value;
    }
    if (rest) {
      const at = rest.proposal.split.index < 0 ? length + rest.proposal.split.index : rest.proposal.split.index;
      if (at >= 0) slots.splice(at, slots.length - at, ...pieces(rest.proposal.value));
    }
    joined = slots.filter((slot): slot is string => slot !== null && slot !== undefined && slot.trim() !== '');
  } else {
    const front = fixed.filter((part) => part.proposal.split.index >= 0);
    const back = fixed.filter((part) => part.proposal.split.index < 0);
    const slots: Array<string | null> = [];
    for (const part of front) slots[part.proposal.split.index] = part.proposal.value;
    if (rest && rest.proposal.split.index >= 0) slots.splice(rest.proposal.split.index, slots.length, ...pieces(rest.proposal.value));
    const known = slots.filter((slot): slot is string => typeof slot === 'string' && slot.trim() !== '');
    // With one part only, the first and the last are the same part.
    const tail = back.map((part) => part.proposal.value).filter((value): value is string => value !== null && value.trim() !== '' && !(known.length > 0 && known[known.length - 1] === value && back.length === 1 && slots.length === 1));
    joined = [...known, ...tail];
    const contiguous = front.every((part, i) => part.proposal.split.index === i);
    const complete = contiguous && rest !== undefined && rest.proposal.split.index === front.length;
    if (!complete && joined.length > 0) {
      out.approximate.push(`${field} is cut at ${JSON.stringify(separator)} and the target keeps only some of its parts (${parts.map((part) => `${part.targetField}: part ${part.proposal.split.index}${part.proposal.split.rest ? ' and after' : ''}`).join(', ')}): other parts, if there were any, are not known`);
    }
  }
  out.value = { value: joined.length === 0 ? null : joined.join(separator) };
  return out;
}

function order(split: SplitSpec): number {
  return split.index < 0 ? Number.MAX_SAFE_INTEGER + split.index : split.index;
}
