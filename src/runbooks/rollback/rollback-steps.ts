/** The steps of each rollback procedure, in order. */
import { CutoverError } from '../../core/errors.js';
import type { RunbookStep } from '../engine/runbook.js';
import { communicate } from './communicate-step.js';
import { exportDeltaStep } from './export-step.js';
import { restoreSource } from './restore-step.js';
import type { RollbackContext } from './rollback-context.js';
import { freezeTarget, reenableSource } from './users-steps.js';

/** The immediate rollback (0–24 h after go-live): freeze, export, restore, re-enable, communicate. */
export const IMMEDIATE: ReadonlyArray<RunbookStep<RollbackContext>> = [freezeTarget, exportDeltaStep, restoreSource, reenableSource, communicate];

export function rollbackSteps(mode: 'immediate' | 'delayed'): ReadonlyArray<RunbookStep<RollbackContext>> {
  if (mode === 'immediate') return IMMEDIATE;
  throw new CutoverError('usage', 'The delayed rollback is not built yet.', { hints: ['roll back with --mode immediate'] });
}
