/**
 * One target field's rule compiled backwards: value rules, lookups and
 * users (reverse-pipeline.ts, reverse-reference.ts), alternatives (`first`:
 * the first alternative that explains the value wins, the ones before it
 * were empty), constants (read nothing), and `default` (a target holding the
 * default may have had it from the source, or from nothing).
 */
import { valuesEqual, type Value } from '../values.js';
import type { FieldRule, FieldRuleObject } from './mapping-input.js';
import { pipelineReverser, type ReverseRuleScope } from './reverse-pipeline.js';
import { valueProposal, type Proposal, type Reverser } from './reverse-proposal.js';
import { lookupReverser, userReverser } from './reverse-reference.js';
import type { ReverseContext } from './reverse-types.js';
import { show, showList, single, union, type CandidateSet } from './reverse-values.js';
import { toTargetValue } from './target-value.js';

/** Compiles a rule backwards; undefined for a constant, or a rule whose fields are not there. */
export function compileReverser(input: FieldRule, scope: ReverseRuleScope): Reverser | undefined {
  const rule: FieldRuleObject = typeof input === 'string' ? { from: input } : input;
  let reverser: Reverser | undefined;
  if (rule.first) reverser = firstReverser(rule.first, scope);
  else if (rule.lookup !== undefined) reverser = lookupReverser(rule, scope);
  else if (rule.user) reverser = userReverser(rule, scope);
  else if (Object.hasOwn(rule, 'value')) return undefined;
  else reverser = pipelineReverser(rule, scope);
  if (!reverser || rule.default === undefined || rule.default === null) return reverser;
  return withDefault(reverser, rule.default, scope);
}

const isDefinite = (proposal: Proposal | undefined): boolean => proposal?.kind === 'value' || proposal?.kind === 'link';

/** `first`: the value came from the first alternative that explains it; those before it gave nothing. */
function firstReverser(alternatives: FieldRule[], scope: ReverseRuleScope): Reverser | undefined {
  const compiled = alternatives.map((alternative) => compileReverser(alternative, scope)).filter((reverser): reverser is Reverser => reverser !== undefined);
  if (compiled.length === 0) return undefined;
  const reads = [...new Set(compiled.flatMap((reverser) => reverser.reads))];
  const how = new Map<string, string>();
  compiled.forEach((reverser, i) => {
    for (const [field, text] of reverser.how) if (!how.has(field)) how.set(field, `alternative ${i + 1} of first: ${text}`);
  });
  const label = scope.field.name;
  return {
    reads,
    how,
    rank: 1 + Math.min(...compiled.map((reverser) => reverser.rank)),
    pure: compiled.every((reverser) => reverser.pure),
    references: (value) => compiled.flatMap((reverser) => reverser.references(value)),
    users: (value) => [...new Set(compiled.flatMap((reverser) => reverser.users(value)))],
    reverse(value: Value, context: ReverseContext): Map<string, Proposal> {
      const out = new Map<string, Proposal>();
      const put = (proposals: Map<string, Proposal>): void => {
        for (const [field, proposal] of proposals) if (!out.has(field) || out.get(field)?.kind === 'unknown') out.set(field, proposal);
      };
      if (value === null) {
        for (const reverser of compiled) put(reverser.reverse(null, context));
        return out;
      }
      const tried = compiled.map((reverser) => reverser.reverse(value, context));
      let chosen = tried.findIndex((proposals) => [...proposals.values()].some(isDefinite));
      if (chosen < 0) chosen = tried.findIndex((proposals) => [...proposals.values()].some((proposal) => proposal.kind === 'choices'));
      if (chosen < 0) {
        const reasons = tried.flatMap((proposals) => [...proposals.values()].flatMap((proposal) => (proposal.kind === 'lost' ? [proposal.reason] : [])));
        for (const field of compiled[0]!.reads) out.set(field, { kind: 'lost', reason: `no alternative of ${label} gives ${show(value)} back: ${[...new Set(reasons)].join('; ')}` });
        for (const field of reads) if (!out.has(field)) out.set(field, { kind: 'unknown' });
        return out;
      }
      put(tried[chosen]!);
      for (let i = 0; i < chosen; i += 1) put(compiled[i]!.reverse(null, context));
      for (const field of reads) if (!out.has(field)) out.set(field, { kind: 'unknown' });
      return out;
    },
  };
}

/** The candidates a proposal allows; undefined for any value. */
function candidatesOf(proposal: Proposal | undefined): CandidateSet | undefined {
  if (!proposal) return undefined;
  switch (proposal.kind) {
    case 'value':
      return { only: [proposal.value] };
    case 'choices':
      return proposal.set;
    case 'lost':
      return { only: [] };
    case 'part':
      return { only: [proposal.value] };
    default:
      return undefined;
  }
}

/** `default`: a target holding the default had it from the source value, or from nothing. */
function withDefault(inner: Reverser, fallback: string | number | boolean, scope: ReverseRuleScope): Reverser {
  const canonical = toTargetValue(fallback, scope.field, { truncate: true });
  const defaultValue: Value = canonical.ok ? canonical.value : fallback;
  const label = scope.field.name;
  return {
    ...inner,
    how: new Map([...inner.how].map(([field, text]) => [field, `${text}, default ${show(fallback)} (lossy when the target holds it)`])),
    reverse(value: Value, context: ReverseContext): Map<string, Proposal> {
      const given = inner.reverse(value, context);
      if (value === null || !valuesEqual(value, defaultValue)) return given;
      const empty = inner.reverse(null, context);
      const out = new Map<string, Proposal>();
      for (const field of inner.reads) {
        const a = given.get(field);
        const b = empty.get(field);
        if (a?.kind === 'link' || b?.kind === 'link') {
          out.set(field, { kind: 'lost', reason: `${label} holds the default ${show(fallback)}: ${field} was a new record or empty` });
          continue;
        }
        const setA = candidatesOf(a);
        const setB = candidatesOf(b);
        if (!setA || !setB) {
          out.set(field, { kind: 'unknown' });
          continue;
        }
        const merged = union(setA, setB);
        const one = single(merged);
        if (one) out.set(field, a?.kind === 'value' && valuesEqual(a.value, one.value) ? a : valueProposal(one.value));
        else {
          const was = 'only' in merged ? showList(merged.only) : 'empty or any value';
          out.set(field, { kind: 'choices', set: merged, reason: `${label} holds the default ${show(fallback)}: ${field} was ${was}` });
        }
      }
      return out;
    },
  };
}
