/**
 * A value rule backwards (`from` with `split`, `trim`, `case`, `map`,
 * `date`, `scale`, `concat`, `truncate`): the steps undone last to first,
 * then the value handed back to the source field (or split among the fields
 * of a concat, or given to the first field of a list).
 */
import type { FieldType, Value } from '../values.js';
import { valuesEqual } from '../values.js';
import type { DescribedField, DescribedObject } from './described-system.js';
import type { FieldRuleObject, Scalar } from './mapping-input.js';
import { allFields, valueProposal, type Proposal, type Reverser } from './reverse-proposal.js';
import { reverseDate } from './reverse-date.js';
import type { ReverseContext } from './reverse-types.js';
import { distinct, divideDecimal, show, showList, single, toSourceValue, type CandidateSet } from './reverse-values.js';
import { toTargetValue } from './target-value.js';
import { characterLength, textOf } from './transform-text.js';
import { isTextType } from './type-compat.js';

/** What a reverse rule is compiled against. */
export interface ReverseRuleScope {
  source: DescribedObject;
  target: DescribedObject;
  /** The target field the rule fills. */
  field: DescribedField;
  /** Target objects each source object is mapped to. */
  mappedTargets: ReadonlyMap<string, readonly string[]>;
  /** The user mapping's fallback target user, for messages. */
  fallbackUser?: string;
}

/** The value at one point of the rule, going back: one value, candidates, or nothing that fits. */
type Guess = { kind: 'one'; value: Value; approximate: string[] } | { kind: 'set'; set: CandidateSet; reason: string } | { kind: 'lost'; reason: string };

/** The type the `from` fields give, as the compiler reckons it. */
function inputTypeOf(rule: FieldRuleObject, fields: DescribedField[]): FieldType {
  if (rule.concat !== undefined) return 'string';
  const first = fields[0]!.type;
  if (fields.some((field) => field.type !== first) && fields.every((field) => isTextType(field.type))) return 'string';
  return first;
}

/** Whether a map value is the value found at this point: the target's canonical value when the map is the last step. */
function mapMatches(mapped: Scalar, found: Value, last: boolean, field: DescribedField): boolean {
  if (mapped === null || found === null) return mapped === found;
  if (last) {
    const canonical = toTargetValue(mapped, field, { truncate: true });
    return canonical.ok && valuesEqual(canonical.value, found);
  }
  return String(mapped) === String(found);
}

/** The map backwards: the keys whose value this is, and what `otherwise` adds. */
function unmap(rule: FieldRuleObject, found: Value, last: boolean, scope: ReverseRuleScope, label: string): Guess {
  const map = rule.map as Record<string, Scalar>;
  const keys = Object.keys(map);
  const matching = keys.filter((key) => mapMatches(map[key] as Scalar, found, last, scope.field));
  const hasOtherwise = Object.hasOwn(rule, 'otherwise') && rule.otherwise !== undefined;
  const otherwise = hasOtherwise && mapMatches(rule.otherwise as Scalar, found, last, scope.field);
  // Null is never mapped: it stays null (a default handles it).
  const base: Value[] = found === null ? [null] : [];
  if (otherwise) {
    const others = keys.filter((key) => !matching.includes(key));
    return { kind: 'set', set: { except: found === null ? others : [...others, null] }, reason: `${label} is what every value the map does not list becomes (otherwise)${matching.length > 0 ? `, and ${showList(matching)}` : ''}` };
  }
  const candidates: Value[] = [...base, ...matching];
  if (candidates.length === 1) return { kind: 'one', value: candidates[0] as Value, approximate: [] };
  if (candidates.length === 0) return { kind: 'lost', reason: `${label} is not a value the map gives (a value added in the target?): no source value becomes it` };
  return { kind: 'set', set: { only: candidates }, reason: `${label} maps back to ${showList(candidates)}` };
}

/** The steps after the read, undone last to first. */
function unsteps(value: Value, rule: FieldRuleObject, scope: ReverseRuleScope, readAsDate: FieldType): Guess {
  const label = `${scope.field.name} ${show(value)}`;
  const approximate: string[] = [];
  const field = scope.field;
  if (rule.truncate && typeof value === 'string' && field.length !== undefined && characterLength(value) >= field.length) {
    approximate.push(`${label} fills ${field.name}'s ${field.length} characters: the source text may have been longer (truncate)`);
  }
  let guess: Guess = { kind: 'one', value, approximate };
  if (rule.scale !== undefined && guess.kind === 'one' && guess.value !== null) {
    const divided = divideDecimal(guess.value, rule.scale);
    if (!divided) return { kind: 'lost', reason: `${label} is not a number to divide by ${rule.scale}` };
    if (!divided.exact) approximate.push(`${label} divided by ${rule.scale} does not end; rounded to ${divided.value}`);
    guess = { kind: 'one', value: divided.value, approximate };
  }
  if (rule.date !== undefined && guess.kind === 'one' && guess.value !== null) {
    const back = reverseDate(guess.value, readAsDate, field.type, rule.date, field.name);
    if (!back.ok) return { kind: 'lost', reason: back.reason };
    guess = { kind: 'one', value: back.value, approximate: [...approximate, ...back.approximate] };
  }
  if (rule.map !== undefined && guess.kind === 'one') {
    const last = rule.date === undefined && rule.scale === undefined;
    const unmapped = unmap(rule, guess.value, last, scope, label);
    guess = unmapped.kind === 'one' ? { ...unmapped, approximate: [...approximate, ...unmapped.approximate] } : unmapped;
  }
  if (guess.kind === 'one' && typeof guess.value === 'string') {
    if (rule.case !== undefined && /\p{L}/u.test(guess.value)) guess.approximate.push(`${field.name} is made ${rule.case} case: the source's letter case is not known, the target's is kept`);
    if (rule.trim) guess.approximate.push(`${field.name} is trimmed: white space around the source value is not known`);
  }
  return guess;
}

/** A guess handed to one source field. */
function toField(guess: Guess, field: DescribedField, domain: readonly string[] | undefined, label: string): Proposal {
  if (guess.kind === 'lost') return { kind: 'lost', reason: guess.reason };
  if (guess.kind === 'one') {
    const back = toSourceValue(guess.value, field);
    if (!back.ok) return { kind: 'lost', reason: `${label} cannot go back into ${field.name}: ${back.reason}` };
    return valueProposal(back.value, back.approximate ? [...guess.approximate, back.approximate] : guess.approximate, back.lossy);
  }
  const convert = (values: readonly Value[]): Value[] =>
    distinct(values.flatMap((value) => {
      const back = toSourceValue(value, field);
      return back.ok ? [back.value] : [];
    }));
  let set: CandidateSet = 'only' in guess.set ? { only: convert(guess.set.only) } : { except: convert(guess.set.except) };
  if ('except' in set && domain) {
    const except = set.except;
    set = { only: convert([...(field.nullable ? [null] : []), ...domain]).filter((value) => !except.some((excluded) => valuesEqual(excluded, value))) };
  }
  const one = single(set);
  if (one) return valueProposal(one.value);
  if ('only' in set && set.only.length === 0) return { kind: 'lost', reason: `${guess.reason}; none of them fits ${field.name}` };
  return { kind: 'choices', set, reason: 'only' in set && 'only' in guess.set && set.only.length < guess.set.only.length ? `${guess.reason}; of them ${field.name} takes ${showList(set.only)}` : guess.reason };
}

/** Compiles a value rule backwards; undefined when its source fields are not there (the compiler reports them). */
export function pipelineReverser(rule: FieldRuleObject, scope: ReverseRuleScope): Reverser | undefined {
  const names = Array.isArray(rule.from) ? rule.from : rule.from === undefined ? [] : [rule.from];
  const fields = names.map((name) => scope.source.fields.find((field) => field.name === name));
  if (names.length === 0 || fields.some((field) => field === undefined)) return undefined;
  const sources = fields as DescribedField[];
  const inputType = inputTypeOf(rule, sources);
  const textSteps = rule.split !== undefined || rule.trim === true || rule.case !== undefined;
  const readAsDate: FieldType = rule.map !== undefined || textSteps ? 'string' : inputType;
  const target = scope.field.name;
  const how: string[] = [];
  if (rule.scale !== undefined) how.push(`divide by ${rule.scale}`);
  if (rule.date !== undefined) how.push(`date back${rule.date.timezone ? ` from ${rule.date.timezone}` : ''}`);
  if (rule.map !== undefined) how.push('inverse map');
  if (rule.case !== undefined) how.push(`${rule.case} case (approximate)`);
  if (rule.trim) how.push('trim (approximate)');
  if (rule.split !== undefined) how.push(`part ${rule.split.index}${rule.split.rest ? ' and after' : ''} of ${JSON.stringify(rule.split.separator)}`);
  if (rule.concat !== undefined) how.push(`cut at ${JSON.stringify(rule.concat)}`);
  else if (sources.length > 1) how.push('first that is not empty');
  if (how.length === 0) how.push('copy');
  // A map read straight from a picklist field can only have come from the picklist's values.
  const domain = sources.length === 1 && !textSteps && rule.map !== undefined ? sources[0]!.picklistValues : undefined;

  const reverse = (value: Value, context: ReverseContext): Map<string, Proposal> => {
    const label = `${target} ${show(value)}`;
    const guess = unsteps(value, rule, scope, readAsDate);
    if (rule.split !== undefined) {
      const split = { separator: rule.split.separator, index: rule.split.index, rest: rule.split.rest ?? false };
      if (guess.kind === 'one') return new Map([[names[0]!, { kind: 'part', split, value: guess.value === null ? null : textOf(guess.value), approximate: guess.approximate }]]);
      return new Map([[names[0]!, guess.kind === 'lost' ? { kind: 'lost', reason: guess.reason } : { kind: 'lost', reason: `${guess.reason}: one part of ${names[0]} cannot be told` }]]);
    }
    if (sources.length === 1) return new Map([[names[0]!, toField(guess, sources[0]!, domain, label)]]);
    if (rule.concat !== undefined) return unconcat(guess, sources, rule.concat, context, label);
    return uncoalesce(guess, sources, context, label);
  };
  return {
    reads: names,
    how: new Map(names.map((name) => [name, how.join(', ')])),
    rank: sources.length > 1 ? 2 : 0,
    pure: true,
    reverse,
    references: () => [],
    users: () => [],
  };
}

/** `concat` backwards: the text cut at the separator, one part per field, when the parts tell which is which. */
function unconcat(guess: Guess, sources: DescribedField[], separator: string, context: ReverseContext, label: string): Map<string, Proposal> {
  const names = sources.map((field) => field.name);
  if (guess.kind === 'lost') return allFields(names, { kind: 'lost', reason: guess.reason });
  if (guess.kind === 'set') return allFields(names, { kind: 'lost', reason: `${guess.reason}: the joined fields cannot be told` });
  if (guess.value === null) return allFields(names, valueProposal(null, guess.approximate));
  const parts = (textOf(guess.value) as string).split(separator).filter((part) => part.trim() !== '');
  let positions: number[] | undefined;
  if (parts.length === sources.length) positions = sources.map((_, i) => i);
  else if (context.before) {
    // The fields that held text before keep holding it: a first name left empty stays empty.
    const filled = sources.flatMap((field, i) => {
      const before = context.before?.values[field.name];
      return before !== null && before !== undefined && !(before instanceof Uint8Array) && String(before).trim() !== '' ? [i] : [];
    });
    if (filled.length === parts.length) positions = filled;
  }
  if (!positions) {
    return allFields(names, {
      kind: 'lost',
      reason: `${label} joins ${names.join(', ')} with ${JSON.stringify(separator)} but has ${parts.length} part(s) for ${names.length} fields: which part is which cannot be told`,
    });
  }
  const out = new Map<string, Proposal>();
  sources.forEach((field, i) => {
    const at = positions.indexOf(i);
    out.set(field.name, toField({ kind: 'one', value: at < 0 ? null : (parts[at] as string), approximate: guess.approximate }, field, undefined, label));
  });
  return out;
}

/** A list without `concat` takes the first field that is not empty: the value goes back to that field. */
function uncoalesce(guess: Guess, sources: DescribedField[], context: ReverseContext, label: string): Map<string, Proposal> {
  const out = new Map<string, Proposal>(sources.map((field) => [field.name, { kind: 'unknown' }]));
  if (guess.kind === 'one' && guess.value === null) {
    for (const field of sources) out.set(field.name, valueProposal(null));
    return out;
  }
  const before = context.before?.values;
  const was = before ? sources.find((field) => before[field.name] !== null && before[field.name] !== undefined) : undefined;
  const chosen = was ?? sources[0]!;
  const proposal = toField(guess, chosen, undefined, label);
  if (proposal.kind === 'value' && !was) {
    proposal.approximate = [...proposal.approximate, `${label} is the first of ${sources.map((field) => field.name).join(', ')} that is not empty: it goes back to ${chosen.name}`];
  }
  out.set(chosen.name, proposal);
  // The fields before the one that gave the value were empty.
  for (const field of sources) {
    if (field === chosen) break;
    out.set(field.name, valueProposal(null));
  }
  return out;
}
