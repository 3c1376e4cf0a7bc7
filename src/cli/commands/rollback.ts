/** `cutover rollback`: carry out the plan's rollback procedure as a resumable, timed runbook. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Command, Option } from 'commander';
import { backupSecret } from '../../backup/backup-key.js';
import type { Connector } from '../../connectors/contract.js';
import { CutoverError } from '../../core/errors.js';
import { Notifier, type FactsInput } from '../../notify/index.js';
import { migrationSystems } from '../../operations/migration-setup.js';
import { openSystem } from '../../operations/open-system.js';
import type { SystemTarget } from '../../plan/systems.js';
import { reportSteps, runRunbook, type RunbookReport } from '../../runbooks/engine/runbook.js';
import { newRunId } from '../../runbooks/migrate/run-migration.js';
import { rollbackFacts } from '../../runbooks/rollback/communicate-step.js';
import type { RollbackContext } from '../../runbooks/rollback/rollback-context.js';
import { liveGoLive } from '../../runbooks/rollback/live-go-live.js';
import { rollbackSteps } from '../../runbooks/rollback/rollback-steps.js';
import { STATE_DIR } from '../../state/index.js';
import { currentGoLive } from '../../watch/run-watch.js';
import { messagesLine } from '../announce.js';
import { confirmProduction } from '../confirm.js';
import type { CliContext } from '../context.js';
import { table } from '../format.js';
import { runbookProgress } from '../runbook-progress.js';
import { safetyBackup } from '../safety-backup.js';

interface RollbackCliOptions {
  mode?: 'immediate' | 'delayed';
  resume?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  force?: boolean;
  keyFile?: string;
  applyReconciliation?: boolean;
}

/** Adds the command. */
export function registerRollback(program: Command, context: CliContext): void {
  program
    .command('rollback')
    .description(
      'roll back to the source CRM as a resumable runbook: immediate (freeze the new CRM, export what was entered there since go-live, restore the source from its verified backup and compare, re-enable its users, tell people) or delayed (also assess what was entered, plan its reconciliation, carry it into the restored source with --apply-reconciliation, and plan the re-migration)',
    )
    .addOption(new Option('--mode <mode>', "the procedure (default: the plan's rollback.mode)").choices(['immediate', 'delayed']))
    .option('--resume', 'continue the last rollback that did not finish, at the step that did not')
    .option('--dry-run', "show every step's plan with counts; write nothing")
    .option('--yes', 'confirm writing systems marked production')
    .option('--force', 'roll back without a recorded `cutover decide rollback`, or start anew although a rollback did not finish')
    .option('--key-file <file>', "file holding the backup key (default: the plan's backup.key, else CUTOVER_KEY)")
    .option('--apply-reconciliation', 'delayed: carry what is clear in the reconciliation plan into the source after the restore (conflicts wait for `cutover reconcile --apply`)')
    .action(async (options: RollbackCliOptions) => {
      const loaded = context.plan();
      const state = await context.state();
      if (!state) throw new CutoverError('internal', 'No state store.');
      const systems = migrationSystems(loaded, context.io.env);
      const goLive = await currentGoLive(loaded, state);
      const { alive } = await state.runs.closeInterrupted('rollback', goLive.system);
      if (alive.length > 0) {
        const other = alive[0]!;
        throw new CutoverError('state.locked', `Another rollback of ${goLive.system} is running: run ${other.id}, process ${other.pid} on ${other.host}.`, {
          hints: ['wait for it to end; if that process is gone for good, run this command on its machine to close it'],
        });
      }
      const resume = options.resume ? await resumable(context, goLive.system) : undefined;
      if (!resume && !options.force && !(await liveGoLive(state, goLive.system))) {
        throw new CutoverError('usage', `The go-live of ${goLive.system} at ${goLive.at} was rolled back already.`, {
          hints: ['see it: cutover runs --kind rollback', 'roll back again anyway with --force'],
        });
      }
      if (!resume && !options.dryRun && !options.force) {
        const unfinished = (await state.runs.list({ kind: 'rollback', system: goLive.system })).find((run) => !run.dryRun);
        if (unfinished && unfinished.status !== 'succeeded' && unfinished.options?.goLive === goLive.id) {
          throw new CutoverError('usage', `Rollback ${unfinished.id} of ${goLive.system} did not finish${unfinished.error ? ` (${unfinished.error})` : ''}.`, {
            hints: [`continue it where it stopped: cutover rollback --resume${options.yes ? ' --yes' : ''}`, 'or start a new one with --force'],
          });
        }
      }
      const mode = (resume?.options?.mode as 'immediate' | 'delayed' | undefined) ?? options.mode ?? loaded.plan.rollback?.mode ?? 'immediate';
      const decision = await state.decisions.latest(goLive.system);
      const decided = decision?.decision === 'rollback' && decision.goLive === goLive.id;
      if (!decided && !options.force && !resume) {
        throw new CutoverError('usage', `No rollback of ${goLive.system} is decided${decision ? ` (the last decision, ${decision.at}, was to ${decision.decision})` : ''}.`, {
          hints: ['record it with the evidence: cutover decide rollback --reason "…"', 'or roll back anyway with --force'],
        });
      }
      if (!options.dryRun) {
        await confirmProduction(context, systems.target, options.yes ?? false, 'a rollback freezes its users', 'Roll back');
        await confirmProduction(context, systems.source, options.yes ?? false, 'a rollback restores it from its backup', 'Roll back');
      }
      const secret = backupSecret({ plan: loaded, cwd: context.io.cwd, env: context.io.env, ...(options.keyFile ? { keyFile: options.keyFile } : {}) });
      const runId = resume?.id ?? newRunId(options.dryRun ? 'rollback-dry' : 'rollback', new Date());
      const runDir = path.join(loaded.dir, STATE_DIR, 'runs', runId);
      if (!options.dryRun) mkdirSync(runDir, { recursive: true });
      const opened = new Map<string, Promise<Connector>>();
      const rollback: RollbackContext = {
        plan: loaded,
        state,
        env: context.io.env,
        goLive,
        decision: decided ? decision : undefined,
        source: systems.source,
        target: systems.target,
        open: (system: SystemTarget) => {
          let connector = opened.get(system.name);
          if (!connector) {
            connector = openSystem(system);
            opened.set(system.name, connector);
          }
          return connector;
        },
        secret,
        runDir,
        notifier: new Notifier(loaded, state, context.io.env),
        background: [],
        exempt: loaded.plan.rollback?.exempt ?? [],
        prune: loaded.plan.rollback?.prune ?? false,
        applyReconciliation: Boolean(resume?.options?.applyReconciliation ?? options.applyReconciliation),
        safetyBackup: () => safetyBackup(context, systems.source, secret, 'restoring'),
      };
      const progress = runbookProgress(context.io, { json: context.json });
      const steps = withFault(rollbackSteps(mode), context.io.env['CUTOVER_INJECT_FAULT'], [systems.source, systems.target]);
      if (!options.dryRun && !resume) {
        // Told at once, in the background: the steps do not wait for a mail server.
        rollback.background.push(
          startedFacts(rollback, runId, mode, steps)
            .then((facts) => rollback.notifier.announce({ event: 'rollback_started', runId, system: goLive.system }, facts))
            // Never a rejection left waiting for the last step: a crash of the whole rollback for want of a message.
            .catch((error: unknown) => [{ id: '', template: 'rollback-started', audience: '', subject: '', status: 'failed' as const, deliveries: [], outboxFile: null, reason: error instanceof Error ? error.message : String(error) }]),
        );
      }
      let report: RunbookReport;
      try {
        report = await runRunbook({
          state,
          kind: 'rollback',
          system: goLive.system,
          source: systems.source.name,
          steps,
          context: rollback,
          runId,
          ...(resume ? { resume } : {}),
          dryRun: options.dryRun ?? false,
          options: { mode, goLive: goLive.id, decision: decided ? decision!.id : null, forced: !decided, applyReconciliation: Boolean(resume?.options?.applyReconciliation ?? options.applyReconciliation) },
          resumeCommand: `cutover rollback --resume${options.yes ? ' --yes' : ''}`,
          onEvent: progress.onEvent,
        });
      } catch (error) {
        progress.stop();
        if (!options.dryRun) await tellFailure(context, rollback, runId);
        throw error;
      } finally {
        progress.stop();
        for (const connector of opened.values()) await connector.then((c) => c.close()).catch(() => undefined);
      }
      if (!report.dryRun) await context.audit('rollback', 'succeeded', `run ${report.id}: ${mode} rollback of ${goLive.system} to ${systems.source.name}`);
      context.emit({ ...report, mode, path: options.dryRun ? null : runDir }, () => formatReport(report, mode, systems.target.name));
    });

  program
    .command('runs')
    .description('runbook runs (rollbacks), migrations, resets and simulations, newest first')
    .option('--kind <kind>', 'only runs of this kind: rollback, migrate, reset, simulate')
    .action(async (options: { kind?: string }) => {
      const state = await context.state();
      if (!state) throw new CutoverError('internal', 'No state store.');
      const runs = (await state.runs.list(options.kind ? { kind: options.kind } : {})).filter((run) => !run.dryRun);
      context.emit({ runs }, () =>
        runs.length === 0
          ? 'No runs yet.'
          : table([['id', 'kind', 'system', 'status', 'started', 'seconds'], ...runs.map((run) => [run.id, run.kind, run.system, run.status, run.startedAt.replace('T', ' ').slice(0, 19), run.seconds === null ? '' : String(run.seconds)])]),
      );
    });

  program
    .command('run')
    .argument('<id>', 'the run')
    .description('one run with its steps, each with its status, duration and counts')
    .action(async (id: string) => {
      const state = await context.state();
      if (!state) throw new CutoverError('internal', 'No state store.');
      const run = await state.runs.get(id);
      if (!run) throw new CutoverError('usage', `There is no run ${id}.`, { hints: ['list them: cutover runs'] });
      const steps = await reportSteps(state, id);
      context.emit({ ...run, steps }, () =>
        [
          `${run.kind} ${run.id} of ${run.system}: ${run.status}${run.seconds === null ? '' : ` in ${run.seconds} s`} (started ${run.startedAt})${run.error ? `\n  ${run.error}` : ''}`,
          ...(steps.length > 0
            ? [
                table(
                  [['#', 'step', 'status', 'seconds', 'attempts', 'summary'], ...steps.map((step) => [String(step.position + 1), step.title, step.status, step.seconds === null ? '' : step.seconds.toFixed(2), String(step.attempts), step.error ?? step.outcome?.summary ?? step.plan?.summary ?? ''])],
                  { indent: 2 },
                ),
              ]
            : []),
        ].join('\n'),
      );
    });
}

/** The facts of the moment a rollback starts: the run with its steps not run yet, besides the decision and triggers. */
async function startedFacts(rollback: RollbackContext, runId: string, mode: string, steps: ReturnType<typeof rollbackSteps>): Promise<FactsInput> {
  const facts = await rollbackFacts(rollback, runId, new Map(), 'running');
  const notRun = steps.map((step) => ({ name: step.name, title: step.title, status: 'not_run' as const, seconds: null }));
  return { ...facts, runbook: { id: runId, name: 'rollback', mode, status: 'running', started_at: new Date().toISOString(), steps: notRun, total_seconds: null } };
}

/** After a failed step: the messages started in the background, then the rollback_failed ones, reported on stderr; never a second error. */
async function tellFailure(context: CliContext, rollback: RollbackContext, runId: string): Promise<void> {
  try {
    const started = (await Promise.all(rollback.background)).flat();
    const failed = await rollback.notifier.announce({ event: 'rollback_failed', runId, system: rollback.target.name }, await rollbackFacts(rollback, runId, new Map(), 'failed'));
    if (started.length + failed.length > 0) context.io.stderr(`Messages: ${messagesLine([...started, ...failed])}\n`);
  } catch (error) {
    context.io.stderr(`The failure could not be announced: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}

/**
 * Rehearsing a failure (`cutover drill --inject-fault <step>`): the named
 * step fails before it writes. Only where both systems are sandboxes.
 */
function withFault(steps: ReturnType<typeof rollbackSteps>, fault: string | undefined, systems: SystemTarget[]): ReturnType<typeof rollbackSteps> {
  if (!fault) return steps;
  const production = systems.filter((system) => system.environment !== 'sandbox');
  if (production.length > 0) throw new CutoverError('usage', `CUTOVER_INJECT_FAULT is set, but ${production.map((system) => system.name).join(' and ')} is not a sandbox: faults are rehearsed in sandboxes only.`, { hints: ['unset CUTOVER_INJECT_FAULT'] });
  if (!steps.some((step) => step.name === fault)) throw new CutoverError('usage', `CUTOVER_INJECT_FAULT names no step of this rollback: ${fault}.`, { hints: [`steps: ${steps.map((step) => step.name).join(', ')}`] });
  return steps.map((step) =>
    step.name !== fault
      ? step
      : {
          ...step,
          apply: async () => {
            throw new CutoverError('write.failed', `injected fault: ${step.name} failed before writing anything (a rehearsal of this failure)`);
          },
        },
  );
}

/** The newest rollback of the system that did not finish. */
async function resumable(context: CliContext, system: string) {
  const state = (await context.state())!;
  const last = (await state.runs.list({ kind: 'rollback', system })).find((run) => !run.dryRun);
  if (!last || last.status === 'succeeded') {
    throw new CutoverError('usage', `No rollback of ${system} is left to resume${last ? ` (the last one, ${last.id}, succeeded)` : ''}.`, { hints: ['start one: cutover rollback'] });
  }
  return last;
}

function formatReport(report: RunbookReport, mode: string, target: string): string {
  const rows = report.steps.map((step) => [String(step.position + 1), step.title, report.dryRun ? 'planned' : step.status, step.seconds === null ? '' : `${step.seconds.toFixed(2)} s`, (report.dryRun ? step.plan?.summary : step.outcome?.summary) ?? step.error ?? '']);
  return [
    report.dryRun ? `Dry run of the ${mode} rollback of ${target}: nothing was written.` : `${mode === 'immediate' ? 'Immediate' : 'Delayed'} rollback ${report.id}${report.resumed ? ' (resumed)' : ''}: every step ${report.status}, in ${report.seconds} s.`,
    table([['#', 'step', 'status', 'time', 'summary'], ...rows], { indent: 2 }),
    ...(report.dryRun ? [] : [`${target} stays frozen. When the team is ready: cutover reset ${target}`, `Timings: cutover run ${report.id}`]),
  ].join('\n');
}
