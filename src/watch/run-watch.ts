/**
 * One round of the watch: every rollback trigger of the plan evaluated
 * against the systems, the verdict (critical, warning, unknown or healthy),
 * and the recommendation by the time since go-live — the immediate rollback
 * within the first window, the delayed one within the second, fixing forward
 * after it. The round and every evaluation with its evidence are stored.
 */
import type { Connector } from '../connectors/contract.js';
import { CutoverError } from '../core/errors.js';
import { openSystem } from '../operations/open-system.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import { systemFromPlan } from '../plan/systems.js';
import { adoptionSchema, dataLossSchema, securitySchema, spanMs, type TriggersConfig } from '../plan/triggers-schema.js';
import { newRunId } from '../runbooks/migrate/run-migration.js';
import type { GoLive, StateStore, Verdict, WatchRound } from '../state/index.js';
import type { CheckContext, Evaluation } from './check-types.js';
import { adoptionCheck } from './checks/adoption.js';
import { dataLossCheck } from './checks/data-loss.js';
import { integrationChecks } from './checks/integrations.js';
import { securityChecks } from './checks/security.js';
import { workflowChecks } from './checks/workflows.js';

/** What the watch recommends. */
export interface Recommendation {
  /** `rollback` when a critical trigger fired within the rollback windows, `fix-forward` after them, else `continue`. */
  action: 'rollback' | 'fix-forward' | 'continue';
  /** The procedure the time since go-live calls for. */
  procedure: 'immediate' | 'delayed' | 'fix-forward';
  hoursSinceGoLive: number;
  /** Why, in one line. */
  reason: string;
  /** The command to run next, when there is one. */
  next?: string;
}

/** The outcome of a round. */
export interface WatchResult {
  round: WatchRound & { evaluations: Evaluation[] };
  recommendation: Recommendation;
  goLive: GoLive;
}

export interface WatchOptions {
  plan: LoadedPlan;
  state: StateStore;
  env?: NodeJS.ProcessEnv;
  /** The clock (tests inject it). Default: now. */
  now?: Date;
  signal?: AbortSignal;
}

/** The checks that need no configuration run with their defaults when the plan does not set them. */
function triggersOf(plan: LoadedPlan): Required<Pick<TriggersConfig, 'dataLoss' | 'adoption' | 'security'>> & TriggersConfig {
  const triggers = plan.plan.triggers ?? {};
  return {
    ...triggers,
    dataLoss: triggers.dataLoss ?? dataLossSchema.parse({}),
    adoption: triggers.adoption ?? adoptionSchema.parse({}),
    security: triggers.security ?? securitySchema.parse({}),
  };
}

/** Runs every check once, stores the round, and recommends. */
export async function runWatchRound(options: WatchOptions): Promise<WatchResult> {
  const now = options.now ?? new Date();
  const env = options.env ?? process.env;
  const goLive = await currentGoLive(options.plan, options.state);
  const triggers = triggersOf(options.plan);
  const opened = new Map<string, Promise<Connector>>();
  const context: CheckContext = {
    now,
    plan: options.plan,
    state: options.state,
    goLive,
    env,
    system: (name) => {
      let connector = opened.get(name);
      if (!connector) {
        connector = openSystem(systemFromPlan(options.plan, name, env));
        opened.set(name, connector);
      }
      return connector;
    },
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const started = performance.now();
  try {
    // Network-bound checks run beside the ones that read the systems.
    const [dataLoss, workflows, integrations, adoption, security] = await Promise.all([
      dataLossCheck(triggers.dataLoss, context),
      workflowChecks(triggers.probes ?? [], context),
      integrationChecks(triggers.integrations ?? [], context),
      adoptionCheck(triggers.adoption, context),
      securityChecks(triggers.security, context),
    ]);
    const evaluations = [dataLoss, ...workflows, ...integrations, adoption, ...security];
    const verdict = verdictOf(evaluations);
    const recommendation = recommend(verdict, evaluations, goLive, now, triggers);
    const round = {
      id: newRunId('watch', now),
      system: goLive.system,
      goLive: goLive.id,
      verdict,
      recommendation: { ...recommendation },
      at: now.toISOString(),
      seconds: Math.round(performance.now() - started) / 1000,
      evaluations,
    };
    await options.state.watch.record(round);
    return { round, recommendation, goLive };
  } finally {
    for (const connector of opened.values()) await connector.then((c) => c.close()).catch(() => undefined);
  }
}

/** The newest go-live of the plan's target; the watch has nothing to measure before one. */
export async function currentGoLive(plan: LoadedPlan, state: StateStore): Promise<GoLive> {
  const target = Object.entries(plan.plan.systems).find(([, system]) => system.role === 'target')?.[0];
  const mappingTarget = (plan.plan.mapping as { target?: string } | undefined)?.target ?? target;
  if (!mappingTarget) throw new CutoverError('usage', 'The plan has no target system to watch.', { hints: ['give one system role: target'] });
  const goLive = await state.goLives.latest(mappingTarget);
  if (!goLive) {
    throw new CutoverError('usage', `${mappingTarget} has not gone live: the rollback triggers measure from the go-live.`, {
      hints: ['record it when the new CRM opens to its users: cutover go-live'],
    });
  }
  return goLive;
}

/** Critical when a critical check fired; else warning when any fired; else unknown when any could not be measured; else healthy. */
export function verdictOf(evaluations: readonly Pick<Evaluation, 'status' | 'severity'>[]): Verdict {
  if (evaluations.some((e) => e.status === 'fired' && e.severity === 'critical')) return 'critical';
  if (evaluations.some((e) => e.status === 'fired')) return 'warning';
  if (evaluations.some((e) => e.status === 'unknown')) return 'unknown';
  return 'healthy';
}

/** The recommendation for a verdict at a moment after go-live, by the plan's windows (default 24 h and 7 days). */
export function recommend(verdict: Verdict, evaluations: readonly Evaluation[], goLive: GoLive, now: Date, triggers: TriggersConfig): Recommendation {
  const elapsed = now.getTime() - Date.parse(goLive.at);
  const hoursSinceGoLive = Math.round((elapsed / 3_600_000) * 10) / 10;
  const immediate = spanMs(triggers.windows?.immediate ?? '24h');
  const delayed = spanMs(triggers.windows?.delayed ?? '7d');
  const procedure = elapsed <= immediate ? 'immediate' : elapsed <= delayed ? 'delayed' : 'fix-forward';
  const fired = evaluations.filter((e) => e.status === 'fired' && e.severity === 'critical').map((e) => e.check);
  if (verdict !== 'critical') {
    const open = evaluations.filter((e) => e.status !== 'ok').map((e) => `${e.check} ${e.status === 'fired' ? 'fired (warning)' : 'unknown'}`);
    return { action: 'continue', procedure, hoursSinceGoLive, reason: open.length > 0 ? `no critical trigger fired; look at: ${open.join(', ')}` : 'every check is healthy' };
  }
  if (procedure === 'fix-forward') {
    return {
      action: 'fix-forward',
      procedure,
      hoursSinceGoLive,
      reason: `${fired.join(', ')} fired, ${hoursSinceGoLive} h after go-live: past the delayed rollback window, too much has happened in the new CRM to go back; fix forward`,
    };
  }
  return {
    action: 'rollback',
    procedure,
    hoursSinceGoLive,
    reason: `${fired.join(', ')} fired ${hoursSinceGoLive} h after go-live: the ${procedure} rollback applies (${procedure === 'immediate' ? `within ${triggers.windows?.immediate ?? '24h'}` : `from ${triggers.windows?.immediate ?? '24h'} to ${triggers.windows?.delayed ?? '7d'}`})`,
    next: `cutover decide rollback --reason "…", then cutover rollback --mode ${procedure}`,
  };
}
