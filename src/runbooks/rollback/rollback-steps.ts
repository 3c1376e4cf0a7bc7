/** The steps of each rollback procedure, in order. */
import type { RunbookStep } from '../engine/runbook.js';
import { assessStep } from './assess-step.js';
import { communicate } from './communicate-step.js';
import { exportDeltaStep } from './export-step.js';
import { applyReconciliationStep, planReconciliationStep } from './reconcile-steps.js';
import { remigrationStep } from './remigration-step.js';
import { restoreSource } from './restore-step.js';
import type { RollbackContext } from './rollback-context.js';
import { freezeTarget, reenableSource } from './users-steps.js';

/** The immediate rollback (0–24 h after go-live): freeze, export, restore, re-enable, communicate. */
export const IMMEDIATE: ReadonlyArray<RunbookStep<RollbackContext>> = [freezeTarget, exportDeltaStep, restoreSource, reenableSource, communicate];

/**
 * The delayed rollback (1–7 days): freeze; export what was entered, assess
 * it and plan its reconciliation against the source as it is; restore;
 * apply the reconciliation (when asked); plan the re-migration; re-enable
 * and communicate.
 */
export const DELAYED: ReadonlyArray<RunbookStep<RollbackContext>> = [
  freezeTarget,
  exportDeltaStep,
  assessStep,
  planReconciliationStep,
  restoreSource,
  applyReconciliationStep,
  remigrationStep,
  reenableSource,
  communicate,
];

export function rollbackSteps(mode: 'immediate' | 'delayed'): ReadonlyArray<RunbookStep<RollbackContext>> {
  return mode === 'immediate' ? IMMEDIATE : DELAYED;
}
