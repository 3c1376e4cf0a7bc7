/** `cutover simulate`: realistic use after go-live, written into a sandbox or demo target. */
import { type Command, InvalidArgumentError } from 'commander';
import { CutoverError } from '../../core/errors.js';
import { migrationSystems } from '../../operations/migration-setup.js';
import { openSystem } from '../../operations/open-system.js';
import { DEFAULT_SIMULATION, MAX_DAYS, mappedFieldsOf, simulate, type SimulationReport, type SimulationSettings } from '../../operations/simulate.js';
import { resolveSystem, type SystemTarget } from '../../plan/systems.js';
import { newRunId } from '../../runbooks/migrate/run-migration.js';
import type { LoadedPlan } from '../../plan/load-plan.js';
import type { CliContext } from '../context.js';
import { count, duration, table } from '../format.js';
import { wholeNumber } from './options.js';

interface SimulateCliOptions {
  activeUsers?: number;
  new?: number;
  edits?: number;
  deletes?: number;
  corrupt?: number;
  days?: number;
  seed?: number;
}

/** Adds the command. */
export function registerSimulate(program: Command, context: CliContext): void {
  program
    .command('simulate')
    .argument('<system>', 'the sandbox or demo target to write into: its name in the plan, or a URL')
    .description(
      "write realistic use after go-live into a sandbox or demo target, so that triggers, drills and the demo have something to measure: logins of the active users over the days after the go-live, new records pointing at migrated ones, edits, deletions that leave no dangling reference, and corruption that verify-migration must find; the same seed and go-live give the same use; refuses systems marked production",
    )
    .option('--active-users <pct>', `share in percent of the active users who log in (default ${DEFAULT_SIMULATION.activeUsers})`, percent('--active-users'))
    .option('--new <n>', `new records, spread over the objects (default ${DEFAULT_SIMULATION.newRecords})`, wholeNumber('--new'))
    .option('--edits <n>', `migrated records to edit: a text or picklist field each, modified-at moving (default ${DEFAULT_SIMULATION.edits})`, wholeNumber('--edits'))
    .option('--deletes <pct>', `share in percent of each object's migrated records to delete, softly where the object has a deleted flag; records others still point at are kept (default ${DEFAULT_SIMULATION.deletes})`, percent('--deletes'))
    .option('--corrupt <pct>', `share in percent of each object's migrated records given a wrong value in a mapped field, modified-at unchanged (default ${DEFAULT_SIMULATION.corrupt})`, percent('--corrupt'))
    .option('--days <d>', `days of use after the go-live, or up to now without one (default ${DEFAULT_SIMULATION.days}, at most ${MAX_DAYS})`, wholeNumber('--days'))
    .option('--seed <s>', `the seed: the same seed and go-live give the same use; another seed adds other use (default ${DEFAULT_SIMULATION.seed})`, wholeNumber('--seed'))
    .action(async (name: string, options: SimulateCliOptions) => {
      const loaded = context.planIfAny();
      const target = resolveSystem(name, { plan: loaded, cwd: context.io.cwd, env: context.io.env });
      refuseProduction(target);
      const settings: Partial<SimulationSettings> = {
        ...(options.activeUsers === undefined ? {} : { activeUsers: options.activeUsers }),
        ...(options.new === undefined ? {} : { newRecords: options.new }),
        ...(options.edits === undefined ? {} : { edits: options.edits }),
        ...(options.deletes === undefined ? {} : { deletes: options.deletes }),
        ...(options.corrupt === undefined ? {} : { corrupt: options.corrupt }),
        ...(options.days === undefined ? {} : { days: options.days }),
        ...(options.seed === undefined ? {} : { seed: options.seed }),
      };
      const state = await context.state();
      const goLive = state && target.inPlan ? await state.goLives.latest(target.name) : undefined;
      const migrated = state && target.inPlan ? await state.ledger.idMap(target.name) : [];
      const mappedFields = mappingInto(loaded, target, context.io.env);
      const connector = await openSystem(target);
      const startedAt = new Date();
      const runId = newRunId('simulate', startedAt);
      let started = false;
      try {
        await state?.runs.start({ id: runId, kind: 'simulate', system: target.name, source: null, dryRun: false, startedAt: startedAt.toISOString() });
        started = true;
        const report = await simulate({
          connector,
          system: target.name,
          settings,
          ...(goLive ? { goLive: { id: goLive.id, at: goLive.at } } : {}),
          migrated,
          ...(mappedFields ? { mappedFields } : {}),
          loginsRequired: (options.activeUsers ?? 0) > 0,
          now: startedAt,
        });
        await state?.runs.finish(runId, { status: report.failures.length > 0 ? 'failed' : 'succeeded', summary: summaryOf(report), ...(report.failures.length > 0 ? { error: `${report.failures.length} record(s) could not be written` } : {}) });
        await context.audit('simulate', 'succeeded', `run ${runId}: ${oneLine(report)}`);
        if (report.failures.length > 0) context.exitCode = 3;
        context.emit({ id: runId, path: null, ...report }, () => formatSimulation(runId, report));
      } catch (error) {
        if (started) await state?.runs.finish(runId, { status: 'failed', error: error instanceof Error ? error.message : String(error) }).catch(() => undefined);
        await context.audit('simulate', 'failed', error instanceof Error ? error.message : String(error)).catch(() => undefined);
        throw error;
      } finally {
        await connector.close();
      }
    });
}

/** A percentage option: 0 to 100, a trailing % allowed. */
function percent(name: string): (value: string) => number {
  return (value: string) => {
    const text = value.trim().replace(/%$/, '');
    const n = Number(text);
    if (text === '' || !Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError(`${name} is a percentage from 0 to 100, got "${value}".`);
    return n;
  };
}

/** Simulated use is made up: it never goes into a system people work in. */
function refuseProduction(target: SystemTarget): void {
  if (target.environment !== 'production') return;
  const why = target.inPlan ? `the plan marks it \`environment: production\`` : 'a system named by URL counts as production';
  throw new CutoverError('system.production', `${target.name} is a production system (${why}); simulate writes made-up logins and records into a system and, with --deletes or --corrupt, deletes and damages real ones, so it only writes sandboxes. Nothing was written.`, {
    hints: [
      target.inPlan
        ? `simulate into a sandbox copy instead (a system with \`role: sandbox\`, restored from a backup: cutover restore latest:${target.name} --to <sandbox>)`
        : 'add the system to the plan with `environment: sandbox` and name it by that name',
      ...(target.inPlan ? [`if ${target.name} is itself a demo or test copy, mark it so in the plan: systems.${target.name}.environment: sandbox`] : []),
    ],
  });
}

/** The fields the plan's mapping writes into the system, when it is the mapping's target. */
function mappingInto(loaded: LoadedPlan | undefined, target: SystemTarget, env: NodeJS.ProcessEnv): Map<string, Set<string>> | undefined {
  if (!loaded?.plan.mapping || !target.inPlan) return undefined;
  let systems;
  try {
    systems = migrationSystems(loaded, env);
  } catch {
    // A plan whose mapping names no clear target maps into nothing simulate can corrupt; check reports why.
    return undefined;
  }
  return systems.target.name === target.name ? mappedFieldsOf(systems.mapping) : undefined;
}

function summaryOf(report: SimulationReport): unknown {
  return {
    goLive: report.goLive?.id ?? null,
    window: report.window,
    settings: report.settings,
    logins: { object: report.logins.object, count: report.logins.count, users: report.logins.users },
    totals: report.totals,
    objects: report.objects.map((o) => ({ object: o.object, created: o.created, edited: o.edited, deleted: o.deleted, corrupted: o.corrupted, failed: o.failed })),
  };
}

function oneLine(report: SimulationReport): string {
  const t = report.totals;
  return `${report.system}, ${report.window.days} day(s), seed ${report.settings.seed}: ${report.logins.count} login(s), ${t.created} created, ${t.edited} edited, ${t.deleted} deleted, ${t.corrupted} corrupted${t.failed ? `, ${t.failed} failed` : ''}`;
}

function formatSimulation(runId: string, report: SimulationReport): string {
  const after = report.goLive ? `after its go-live at ${report.goLive.at} (${report.goLive.id})` : 'up to now (no go-live recorded)';
  const lines = [
    `Simulated ${report.window.days} day(s) of use of ${report.system} ${after}, seed ${report.settings.seed}, run ${runId}, in ${duration(report.seconds)}`,
    `  days: ${report.window.from} → ${report.window.to}`,
  ];
  const logins = report.logins;
  if (logins.object) {
    const share = logins.activeUsers > 0 ? ` (${Math.round((logins.users / logins.activeUsers) * 100)}%)` : '';
    lines.push(`  logins: ${count(logins.count)} in ${logins.object} by ${count(logins.users)} of ${count(logins.activeUsers)} active user(s)${share}${logins.first ? `, ${logins.first} → ${logins.last}` : ''}`);
  } else lines.push(`  logins: none${logins.skipped ? ` (${logins.skipped})` : ''}`);
  const t = report.totals;
  lines.push(
    table(
      [
        ['object', 'migrated', 'created', 'edited', 'deleted', 'corrupted'],
        ...report.objects.map((o) => [o.object, count(o.migrated), count(o.created), count(o.edited), o.deleteMode ? `${count(o.deleted)} ${o.deleteMode}` : count(o.deleted), count(o.corrupted)]),
        ['total', count(report.objects.reduce((sum, o) => sum + o.migrated, 0)), count(t.created), count(t.edited), count(t.deleted), count(t.corrupted)],
      ],
      { indent: 2 },
    ),
  );
  for (const o of report.objects) {
    if (o.deleteSkipped > 0) lines.push(`  ${o.object}: ${count(o.deleteSkipped)} of ${count(o.deleteRequested)} deletion(s) skipped: still referenced by records that stay`);
  }
  for (const note of report.notes) lines.push(`  ${note}`);
  if (report.failures.length > 0) {
    lines.push(`${count(report.failures.length)} record(s) could not be written:`);
    for (const failure of report.failures.slice(0, 10)) lines.push(`  ${failure.operation} ${failure.object}${failure.id ? ` ${failure.id}` : ''}: ${failure.message}`);
    if (report.failures.length > 10) lines.push('  … (all of them with --json)');
  }
  const next = t.corrupted > 0 ? 'cutover verify-migration (it must find the corrupted records)' : 'cutover status';
  lines.push(`Next: ${next}`);
  return lines.join('\n');
}
