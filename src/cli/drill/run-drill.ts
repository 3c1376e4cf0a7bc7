/**
 * A rollback drill: the plan's rollback rehearsed end to end in sandboxes.
 * The source sandbox gets the source's latest verified backup, the target
 * sandbox its baseline; then, on a plan that names the sandboxes in their
 * place, the same commands as in production: backup, snapshot, migrate,
 * go-live, a day of use (`simulate`, whose ground truth is kept), watch,
 * decide, rollback. Then what matters is checked: the source equals its
 * backup, the export holds every change with the right source ids, users
 * are as before, the plan's probes pass on the restored source. A phase
 * that fails stops the rehearsal, but the report is always written.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { SAFETY_REFERENCE } from '../../backup/backup-ref.js';
import type { Connector } from '../../connectors/contract.js';
import { openSystem } from '../../operations/open-system.js';
import { loadPlan, type LoadedPlan } from '../../plan/load-plan.js';
import { systemFromPlan } from '../../plan/systems.js';
import type { DrillCheck, DrillPhase, DrillReport, DrillRollbackStep } from '../../report/drill-report-types.js';
import { redactText, StateStore, type StateStore as State } from '../../state/index.js';
import { mustRun, type CommandRun, type CommandRunner } from '../run-commands.js';
import { exportCheck, restorationCheck, smokeChecks, usersCheck, type UserStates } from './drill-checks.js';
import { productionEstimate, rtoVerdict } from './drill-estimate.js';
import type { DrillPlan } from './drill-plan.js';

/** How much use the drill simulates after its go-live. */
export interface DrillUse {
  created: number;
  edits: number;
  /** Percent of migrated records deleted. */
  deletes: number;
  days: number;
}

/** What a drill needs. */
export interface DrillOptions {
  id: string;
  mode: 'immediate' | 'delayed';
  /** The real plan and its state (the backups and baseline the sandboxes start from). */
  loaded: LoadedPlan;
  state: State;
  /** The drill's folder, holding its plan, state, backups and reports. */
  dir: string;
  plan: DrillPlan;
  env: NodeJS.ProcessEnv;
  secret: string;
  use: DrillUse;
  /** A rollback step to make fail, to rehearse a failure. */
  fault?: string;
  /** Runs a command of the drill plan. */
  run: CommandRunner;
  /** Told of each phase as it starts (not of a phase skipped after a failure). */
  onPhaseStart?: (name: string) => void | Promise<void>;
  /** Told of each phase as it ends. */
  onPhase?: (phase: DrillPhase) => void | Promise<void>;
}

/** The phases of a drill, in order, with their titles. */
export function drillPhases(mode: DrillOptions['mode']): Array<{ name: string; title: string }> {
  return [
    { name: 'sandboxes', title: 'Build the sandboxes' },
    { name: 'backup', title: 'Back up and verify the sandbox source' },
    { name: 'snapshot', title: 'Snapshot the sandbox target' },
    { name: 'migrate', title: 'Migrate' },
    { name: 'go-live', title: 'Go live' },
    { name: 'simulate', title: 'Simulate use after go-live' },
    { name: 'watch', title: 'Watch the triggers' },
    { name: 'decide', title: 'Decide to roll back' },
    { name: 'rollback', title: `Roll back (${mode})` },
  ];
}

/** Runs the drill and returns its report (without the files, which the caller writes). */
export async function runDrill(options: DrillOptions): Promise<Omit<DrillReport, 'files'>> {
  const started = new Date();
  const phases: DrillPhase[] = [];
  const { plan: drill } = options;
  let stopped = false;
  let simulated: any;
  let usersBefore: UserStates | undefined;

  const titles = new Map(drillPhases(options.mode).map((each) => [each.name, each.title]));
  const phase = async (name: string, work: () => Promise<string>): Promise<void> => {
    const title = titles.get(name) ?? name;
    if (stopped) {
      const skipped: DrillPhase = { name, title, status: 'skipped', startedAt: new Date().toISOString(), seconds: 0, summary: 'not run: an earlier phase failed' };
      phases.push(skipped);
      await options.onPhase?.(skipped);
      return;
    }
    await options.onPhaseStart?.(name);
    const at = new Date();
    const t0 = performance.now();
    let result: DrillPhase;
    try {
      const summary = await work();
      result = { name, title, status: 'succeeded', startedAt: at.toISOString(), seconds: Math.round(performance.now() - t0) / 1000, summary };
    } catch (error) {
      stopped = true;
      result = { name, title, status: 'failed', startedAt: at.toISOString(), seconds: Math.round(performance.now() - t0) / 1000, summary: error instanceof Error ? error.message : String(error) };
    }
    phases.push(result);
    await options.onPhase?.(result);
  };
  const must = mustRun(options.run);

  const sourceBackup = await latestVerified(options.state, drill.source.name);
  const baseline = await options.state.baselines.get(drill.target.name);
  const baselineBackup = baseline ? await options.state.backups.get(baseline.backupId) : undefined;

  await phase('sandboxes', async () => {
    if (!sourceBackup) throw new Error(`${drill.source.name} has no verified backup to rehearse with: cutover backup ${drill.source.name}, then cutover verify latest`);
    if (!baselineBackup) throw new Error(`${drill.target.name} has no baseline snapshot to rehearse with: cutover snapshot ${drill.target.name}`);
    for (const system of [drill.source, drill.target]) {
      if (!system.sqliteFile) continue;
      // An embedded sandbox starts afresh; a server sandbox is made equal to the backup (--prune) instead.
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${system.sqliteFile}${suffix}`, { force: true });
      mkdirSync(path.dirname(system.sqliteFile), { recursive: true });
    }
    const source = await must(['restore', sourceBackup.path, '--to', drill.source.name, '--prune', '--yes']);
    const target = await must(['restore', baselineBackup.path, '--to', drill.target.name, '--prune', '--yes']);
    return `${drill.source.name} from backup ${sourceBackup.id} (${sourceBackup.records} records) into ${drill.source.sandbox ?? drill.source.url}, ${drill.target.name} from its baseline ${baselineBackup.id} into ${drill.target.sandbox ?? drill.target.url} (${source.seconds + target.seconds} s)`;
  });
  await phase('backup', async () => {
    const backup = await must(['backup', drill.source.name]);
    await must(['verify', backup.json.id]);
    return `backup ${backup.json.id}: ${backup.json.records ?? '?'} records, verified`;
  });
  await phase('snapshot', async () => {
    const snapshot = await must(['snapshot', drill.target.name]);
    return `baseline ${snapshot.json.id}`;
  });
  await phase('migrate', async () => {
    const migrated = await must(['migrate', '--yes']);
    const objects: Array<{ created: number; updated: number }> = migrated.json.objects ?? [];
    const sum = (key: 'created' | 'updated'): number => objects.reduce((total, object) => total + object[key], 0);
    return `run ${migrated.json.id}: ${sum('created')} created, ${sum('updated')} updated, ${migrated.json.failures?.count ?? 0} failed`;
  });
  await phase('go-live', async () => {
    usersBefore = await withSystem(options, drill.source.name, (connector) => userStates(connector));
    const live = await must(['go-live', '--freeze-source', '--yes']);
    return `go-live ${live.json.id}; ${live.json.frozenUsers?.length ?? 0} user(s) of ${drill.source.name} frozen`;
  });
  await phase('simulate', async () => {
    const use = options.use;
    const ran = await must(['simulate', drill.target.name, '--new', String(use.created), '--edits', String(use.edits), '--deletes', String(use.deletes), '--days', String(use.days)]);
    simulated = ran.json;
    const totals = ran.json.totals ?? {};
    return `${ran.json.logins?.count ?? 0} logins, ${totals.created ?? 0} created, ${totals.edited ?? 0} edited, ${totals.deleted ?? 0} deleted over ${use.days} day(s)`;
  });
  await phase('watch', async () => {
    const round = await must(['watch', '--once'], [0, 1]);
    const fired = (round.json.evaluations ?? []).filter((e: { status: string }) => e.status === 'fired').map((e: { check: string }) => e.check);
    return `${round.json.verdict ?? '?'}${fired.length > 0 ? `: ${fired.join(', ')} fired` : ''}`;
  });
  await phase('decide', async () => {
    const decided = await must(['decide', 'rollback', '--reason', `drill ${options.id}`]);
    return `decision ${decided.json.id}`;
  });
  await phase('rollback', async () => {
    const rollbackRun = await options.run(['rollback', '--mode', options.mode, '--yes'], options.fault ? { CUTOVER_INJECT_FAULT: options.fault } : {});
    if (rollbackRun.code !== 0) throw new Error(`cutover rollback: ${rollbackRun.error ?? `exit ${rollbackRun.code}`}`);
    return `run ${rollbackRun.json.id}: every step succeeded in ${rollbackRun.json.seconds} s`;
  });

  // What the rollback did, from the drill's own state (also when it failed).
  const drillLoaded = loadPlan(path.join(options.dir, 'cutover.yaml'));
  const drillState = existsSync(path.join(options.dir, '.cutover')) ? await StateStore.open(options.dir) : undefined;
  const checks: DrillCheck[] = [];
  let rollback: DrillReport['rollback'] = null;
  try {
    const run = drillState ? (await drillState.runs.list({ kind: 'rollback' })).find((each) => !each.dryRun) : undefined;
    if (run && drillState) {
      const steps = await drillState.steps.list(run.id);
      rollback = {
        runId: run.id,
        status: run.status === 'succeeded' ? 'succeeded' : 'failed',
        seconds: run.status === 'succeeded' ? run.seconds : null,
        steps: steps.map((step): DrillRollbackStep => ({
          name: step.name,
          title: step.title,
          status: step.status,
          seconds: step.seconds,
          summary: step.error ?? (typeof step.result?.['summary'] === 'string' ? step.result['summary'] : ''),
          ...recordsOf(step.name, step.result?.['counts'] as Record<string, number> | undefined),
        })),
      };
    }
    if (rollback?.status === 'succeeded' && drillState) {
      try {
        checks.push(...(await phaseChecks(options, drillLoaded, drillState, rollback, simulated, usersBefore)));
      } catch (error) {
        // A check that cannot run is a failed check, and the report is still written.
        checks.push({ name: 'verification', kind: 'restoration', status: 'failed', detail: `the checks could not run: ${error instanceof Error ? error.message : String(error)}` });
      }
    }
  } finally {
    await drillState?.close();
  }
  const rto = rtoVerdict(options.loaded.plan.rollback?.rto ?? '4h', rollback?.status === 'succeeded' ? rollback.seconds : null);
  const estimate = rollback?.status === 'succeeded' ? productionEstimate(options, rollback, sourceBackup?.records ?? 0, rto.objectiveSeconds) : null;
  const failed = [...phases.filter((p) => p.status === 'failed').map((p) => `${p.name}${rollback && p.name === 'rollback' ? `: ${rollback.steps.find((s) => s.status === 'failed')?.name ?? ''}` : ''}`), ...checks.filter((c) => c.status === 'failed').map((c) => c.name)];
  if (rto.verdict === 'fail' && rollback?.status === 'succeeded') failed.push('rto');
  const finished = new Date();
  return {
    id: options.id,
    mode: options.mode,
    project: options.loaded.plan.project.name,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    seconds: Math.round(finished.getTime() - started.getTime()) / 1000,
    status: failed.length === 0 ? 'passed' : 'failed',
    failed,
    sandboxes: {
      source: { name: drill.source.sandbox ?? `${drill.source.name} (embedded)`, stands_in_for: drill.source.name, url: redactText(drill.source.url) },
      target: { name: drill.target.sandbox ?? `${drill.target.name} (embedded)`, stands_in_for: drill.target.name, url: redactText(drill.target.url) },
    },
    simulated: {
      created: simulated?.totals?.created ?? 0,
      edited: simulated?.totals?.edited ?? 0,
      deleted: simulated?.totals?.deleted ?? 0,
      logins: simulated?.logins?.count ?? 0,
      days: options.use.days,
    },
    phases,
    rollback,
    checks,
    rto,
    estimate,
  };
}

/** The verifications and smoke tests after a rollback that succeeded. */
async function phaseChecks(options: DrillOptions, drillLoaded: LoadedPlan, drillState: State, rollback: NonNullable<DrillReport['rollback']>, simulated: any, usersBefore: UserStates | undefined): Promise<DrillCheck[]> {
  const source = options.plan.source.name;
  const target = options.plan.target.name;
  const checks: DrillCheck[] = [];
  const runSteps = await drillState.steps.list(rollback.runId);
  const archive = runSteps.find((step) => step.name === 'export-delta')?.result?.['data'] as { archive?: string } | undefined;
  return withSystem(options, source, async (connector) => {
    checks.push(await restorationCheck(drillState, target, options.secret, connector, source));
    checks.push(await exportCheck(archive?.archive, options.secret, simulated, drillState, target));
    checks.push(usersCheck(usersBefore, await userStates(connector), source));
    checks.push(...(await smokeChecks(drillLoaded, drillState, options.env, source, connector)));
    return checks;
  });
}

/** Records a step handled, when it counts them. */
function recordsOf(name: string, counts: Record<string, number> | undefined): { records?: number } {
  if (!counts) return {};
  if (name === 'export-delta') return { records: (counts['created'] ?? 0) + (counts['updated'] ?? 0) + (counts['deleted'] ?? 0) };
  if (name === 'restore-source') return { records: counts['equalRecords'] ?? 0 };
  if (name === 'apply-reconciliation' || name === 'plan-reconciliation') return { records: Object.values(counts).reduce((sum, n) => sum + n, 0) };
  return {};
}

/** The newest backup a person took of the system (not a restore's safety copy, which may hold a frozen moment) that verified. */
async function latestVerified(state: State, system: string) {
  for (const backup of await state.backups.list({ system, status: 'complete' })) {
    if ((await state.backups.references(backup.id)).some((reference) => reference.kind === SAFETY_REFERENCE)) continue;
    if ((await state.backups.lastVerification(backup.id))?.ok) return backup;
  }
  return undefined;
}

/** Each user's state: active and frozen, by id. */
async function userStates(connector: Connector): Promise<UserStates> {
  return new Map((await connector.listUsers()).map((user) => [user.id, { active: user.active, frozen: user.frozen }]));
}

/** Opens a system of the drill plan for `work`, and closes it. */
async function withSystem<T>(options: Pick<DrillOptions, 'dir' | 'env'>, name: string, work: (connector: Connector) => Promise<T>): Promise<T> {
  const plan = loadPlan(path.join(options.dir, 'cutover.yaml'));
  const connector = await openSystem(systemFromPlan(plan, name, options.env));
  try {
    return await work(connector);
  } finally {
    await connector.close();
  }
}
