/**
 * Which variable paths exist in the facts: `runbook.steps.first.seconds`
 * does, `runbook.step` does not. Walks the zod schema of the facts, with
 * Liquid's own properties of lists (`size`, `first`, `last`, an index) and
 * text (`size`).
 */
import { z } from 'zod';
import { unwrap } from './facts.js';

/** What a name stands for while checking: a part of the facts schema, a `forloop`, or anything (an `assign`ed name, a computed index). */
export type Shape = { kind: 'schema'; schema: z.ZodType } | { kind: 'forloop' } | { kind: 'any' };

/** A segment of a variable path: a property name, an index, or a computed (bracketed variable) index. */
export type Segment = string | number | { computed: true };

/** The properties of Liquid's `forloop`. */
const FORLOOP = new Set(['index', 'index0', 'rindex', 'rindex0', 'first', 'last', 'length', 'name']);

const ANY: Shape = { kind: 'any' };
const SCALAR: Shape = { kind: 'schema', schema: z.number() };

/** The shape at the end of `segments` from `start`, or why the path does not exist. */
export function resolvePath(start: Shape, segments: readonly Segment[], shown: string): { ok: true; shape: Shape } | { ok: false; problem: string } {
  let shape = start;
  let walked = shown;
  for (const segment of segments) {
    const next = step(shape, segment);
    const label = typeof segment === 'string' ? segment : typeof segment === 'number' ? `[${segment}]` : '[…]';
    if (next === undefined) return { ok: false, problem: `unknown variable ${walked}${typeof segment === 'string' ? '.' : ''}${label} (${describe(shape, walked)})` };
    shape = next;
    walked = `${walked}${typeof segment === 'string' ? '.' : ''}${label}`;
  }
  return { ok: true, shape };
}

/** The shape of the items of a list shape, for `{% for item in list %}`. */
export function elementOf(shape: Shape): Shape | undefined {
  if (shape.kind !== 'schema') return shape.kind === 'any' ? ANY : undefined;
  const inner = unwrap(shape.schema);
  if (inner instanceof z.ZodArray) return { kind: 'schema', schema: inner.element as z.ZodType };
  // Liquid iterates an object as [key, value] pairs and a string as one item; neither is a list of facts.
  return undefined;
}

/** The top-level names of the facts. */
export function factNames(schema: z.ZodType): string[] {
  const inner = unwrap(schema);
  return inner instanceof z.ZodObject ? Object.keys(inner.shape as Record<string, unknown>) : [];
}

function step(shape: Shape, segment: Segment): Shape | undefined {
  if (shape.kind === 'any') return ANY;
  if (shape.kind === 'forloop') return typeof segment === 'string' && FORLOOP.has(segment) ? SCALAR : undefined;
  const inner = unwrap(shape.schema);
  if (inner instanceof z.ZodObject) {
    if (typeof segment === 'object') return ANY;
    const fields = inner.shape as Record<string, z.ZodType>;
    // Own keys only: `constructor` is on every object's prototype and is no fact.
    const field = typeof segment === 'string' && Object.hasOwn(fields, segment) ? fields[segment] : undefined;
    return field === undefined ? undefined : { kind: 'schema', schema: field };
  }
  if (inner instanceof z.ZodArray) {
    if (segment === 'size') return SCALAR;
    if (segment === 'first' || segment === 'last' || typeof segment === 'number' || typeof segment === 'object') return { kind: 'schema', schema: inner.element as z.ZodType };
    return undefined;
  }
  if (inner instanceof z.ZodString) return segment === 'size' ? SCALAR : undefined;
  return undefined;
}

function describe(shape: Shape, walked: string): string {
  if (shape.kind === 'forloop') return `forloop has ${[...FORLOOP].join(', ')}`;
  if (shape.kind !== 'schema') return 'not known';
  const inner = unwrap(shape.schema);
  if (inner instanceof z.ZodObject) return `${walked} has ${Object.keys(inner.shape as Record<string, unknown>).join(', ')}`;
  if (inner instanceof z.ZodArray) return `${walked} is a list: use size, first, last, an index, or a for loop`;
  if (inner instanceof z.ZodString) return `${walked} is text`;
  return `${walked} is a single value`;
}
