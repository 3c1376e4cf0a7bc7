/** The mapping of a migration: compile the plan's `mapping` against two systems, then transform records. Pure, no I/O. */
export { compileMapping, userMappingRule, type CompileResult } from './compile-mapping.js';
export type { DescribedField, DescribedObject, DescribedSystem } from './described-system.js';
export type * from './mapping-input.js';
export type * from './mapping-types.js';
export { conditionShapeProblems, ruleShapeProblems, type ShapeProblem } from './rule-shape.js';
export { resolveReference } from './resolve-reference.js';
export { matchUsers, type UserLike, type UserMatch } from './user-matching.js';
