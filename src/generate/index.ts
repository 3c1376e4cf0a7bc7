/**
 * A deterministic, streaming generator of realistic CRM databases in three
 * layouts (`legacy`, `suitecrm`, `salesforce`), for demos, tests and drills.
 * Every value is computed from (seed, object, index), so the same options
 * give the same data and memory stays flat for millions of records.
 */
import type { ObjectDefinition } from '../connectors/contract.js';
import { CutoverError } from '../core/errors.js';
import { shapeOf } from './shapes/registry.js';
import { SHAPE_NAMES, type ShapeFacts, type ShapeName } from './types.js';

/** Creates a shape's tables in an empty database and fills them (see {@link GenerateOptions}). */
export { generateInto } from './generate-into.js';
/** The public types, and every shape name. */
export { SHAPE_NAMES, type GenerateOptions, type GenerateResult, type ShapeFacts, type ShapeName } from './types.js';

function known(shape: ShapeName): ShapeName {
  if (!SHAPE_NAMES.includes(shape)) {
    throw new CutoverError('usage', `Unknown shape "${String(shape)}".`, { hints: [`use one of ${SHAPE_NAMES.join(', ')}`] });
  }
  return shape;
}

/** The tables of a shape, in dependency order (a new list each call). */
export function shapeDefinitions(shape: ShapeName): ObjectDefinition[] {
  return shapeOf(known(shape)).definitions();
}

/** What tests and the demo need to know about a shape: profile, key tables, a self-reference, a picklist. */
export function shapeFacts(shape: ShapeName): ShapeFacts {
  const facts = shapeOf(known(shape)).facts;
  // A copy, so that a caller changing it cannot change the shape.
  return { ...facts, selfReference: { ...facts.selfReference }, picklist: { ...facts.picklist, values: [...facts.picklist.values] } };
}
