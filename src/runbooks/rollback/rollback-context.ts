/**
 * What the rollback's steps share: the plan, the state, the go-live being
 * undone and the decision behind it, the two systems (opened once, closed
 * by the command), the backup key, and where the run keeps its files.
 */
import type { Connector } from '../../connectors/contract.js';
import type { MessageReport, Notifier } from '../../notify/notifier.js';
import type { LoadedPlan } from '../../plan/load-plan.js';
import type { SystemTarget } from '../../plan/systems.js';
import type { Decision, GoLive, StateStore } from '../../state/index.js';

export interface RollbackContext {
  plan: LoadedPlan;
  state: StateStore;
  env: NodeJS.ProcessEnv;
  goLive: GoLive;
  decision: Decision | undefined;
  source: SystemTarget;
  target: SystemTarget;
  /** Opens a system once per run. */
  open(system: SystemTarget): Promise<Connector>;
  /** The backup key. */
  secret: string;
  /** The run's own folder: `.cutover/runs/<run id>`. */
  runDir: string;
  /** Sends the plan's messages; the rollback's last step tells people through it. */
  notifier: Notifier;
  /** Messages sent in the background while the steps run (rollback started); the last step waits for them. */
  background: Array<Promise<MessageReport[]>>;
  /** Target users (usernames, emails or ids) that stay able to log in: the integration user cutover works as. */
  exempt: readonly string[];
  /** Delete records created in the source after the backup. */
  prune: boolean;
  /** The delayed rollback carries what is clear in the reconciliation plan into the source. */
  applyReconciliation: boolean;
  /** A verified backup of the source before the restore overwrites it; returns its id. */
  safetyBackup(): Promise<string>;
}
