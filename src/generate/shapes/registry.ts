/** The shapes by name. */
import type { Shape } from '../shape.js';
import type { ShapeName } from '../types.js';
import { legacyShape } from './legacy.js';
import { salesforceShape } from './salesforce.js';
import { suitecrmShape } from './suitecrm.js';

const SHAPES: Record<ShapeName, Shape> = { legacy: legacyShape, suitecrm: suitecrmShape, salesforce: salesforceShape };

/** The shape of a name. */
export function shapeOf(name: ShapeName): Shape {
  return SHAPES[name];
}
