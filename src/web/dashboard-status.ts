/** The dashboard's status: `cutover status` as JSON. */
import { projectStatus } from '../operations/project-status.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import type { StateStore } from '../state/index.js';

/** Where the migration stands (see {@link projectStatus}), without the message bodies. */
export async function dashboardStatus(loaded: LoadedPlan, state: StateStore, env: NodeJS.ProcessEnv) {
  const { waiting: _waiting, unsent: _unsent, ...status } = await projectStatus(loaded, state, env);
  return status;
}
