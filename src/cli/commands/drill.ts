/**
 * `cutover drill`: rehearse the rollback in sandboxes and report how long
 * it really takes. `cutover drills`: the drills so far, so the trend shows.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Command, Option } from 'commander';
import { backupSecret } from '../../backup/backup-key.js';
import { CutoverError } from '../../core/errors.js';
import { Notifier, planFacts, recoveryFacts, type FactsInput } from '../../notify/index.js';
import { drillReportHtml, drillReportMarkdown, type DrillReport } from '../../report/index.js';
import { humanSeconds } from '../../report/report-figures.js';
import { newRunId } from '../../runbooks/migrate/run-migration.js';
import { STATE_DIR } from '../../state/index.js';
import { messagesLine } from '../announce.js';
import type { CliContext } from '../context.js';
import { commandRunner } from '../run-commands.js';
import { drillPlan } from '../drill/drill-plan.js';
import { drillPhases, runDrill } from '../drill/run-drill.js';
import { table } from '../format.js';
import { wholeNumber } from './options.js';

interface DrillCliOptions {
  mode?: 'immediate' | 'delayed';
  new: number;
  edits: number;
  deletes: number;
  days: number;
  injectFault?: string;
  keyFile?: string;
}

/** Adds the commands. */
export function registerDrill(program: Command, context: CliContext): void {
  program
    .command('drill')
    .description(
      "rehearse the rollback in the plan's sandboxes: restore the source's latest verified backup and the target's baseline into them, then migrate, go live, simulate use, watch, decide and roll back as in production; verify the source equals its backup, the export holds every change, users are as before, and the plan's probes pass on the restored source; report every step's time against the RTO with an estimate for production (Markdown, JSON, one HTML file). Exit 1 when a check fails",
    )
    .addOption(new Option('--mode <mode>', "the procedure to rehearse (default: the plan's rollback.mode)").choices(['immediate', 'delayed']))
    .option('--new <n>', 'records created in the new CRM after the drill go-live', wholeNumber('--new'), 20)
    .option('--edits <n>', 'records edited after the drill go-live', wholeNumber('--edits'), 10)
    .option('--deletes <pct>', 'percent of migrated records deleted after the drill go-live', wholeNumber('--deletes'), 2)
    .option('--days <d>', 'days of use after the drill go-live', wholeNumber('--days'), 1)
    .option('--inject-fault <step>', 'make this rollback step fail, to rehearse a failure (restore-source, export-delta…)')
    .option('--key-file <file>', "file holding the backup key (default: the plan's backup.key, else CUTOVER_KEY)")
    .action(async (options: DrillCliOptions) => {
      const loaded = context.plan();
      const state = await context.state();
      if (!state) throw new CutoverError('internal', 'No state store.');
      const mode = options.mode ?? loaded.plan.rollback?.mode ?? 'immediate';
      const secret = backupSecret({ plan: loaded, cwd: context.io.cwd, env: context.io.env, ...(options.keyFile ? { keyFile: options.keyFile } : {}) });
      const id = newRunId('drill', new Date());
      const dir = path.join(loaded.dir, STATE_DIR, 'drills', id);
      mkdirSync(dir, { recursive: true });
      const plan = drillPlan(loaded, readFileSync(loaded.file, 'utf8'), dir);
      writeFileSync(path.join(dir, 'cutover.yaml'), plan.yaml);
      const { main } = await import('../main.js');
      const env = { ...context.io.env, ...(options.keyFile ? {} : { CUTOVER_KEY: secret }) };
      await state.runs.start({ id, kind: 'drill', system: plan.target.name, source: plan.source.name, dryRun: false, options: { mode, ...(options.injectFault ? { fault: options.injectFault } : {}) } });
      // The phases are the drill run's steps, so that `cutover run` and the dashboard follow it live.
      const phases = drillPhases(mode);
      await state.steps.create(id, phases);
      const position = (name: string): number => phases.findIndex((each) => each.name === name);
      context.note(`Drill ${id}: the ${mode} rollback rehearsed in ${plan.source.sandbox ?? 'an embedded sandbox'} and ${plan.target.sandbox ?? 'an embedded sandbox'} …`);
      let report: DrillReport;
      try {
        const found = await runDrill({
          id,
          mode,
          loaded,
          state,
          dir,
          plan,
          env,
          secret,
          use: { created: options.new, edits: options.edits, deletes: options.deletes, days: options.days },
          ...(options.injectFault ? { fault: options.injectFault } : {}),
          run: commandRunner(dir, env, main),
          onPhaseStart: (name) => state.steps.start(id, position(name)),
          onPhase: async (phase) => {
            await state.steps.finish(id, position(phase.name), { status: phase.status, result: { summary: phase.summary }, ...(phase.status === 'failed' ? { error: phase.summary } : {}) });
            context.note(`  ${phase.status === 'succeeded' ? '✓' : phase.status === 'failed' ? '✗' : '·'} ${phase.title} (${phase.seconds.toFixed(2)} s): ${phase.summary}`);
          },
        });
        report = { ...found, files: { json: path.join(dir, 'drill-report.json'), markdown: path.join(dir, 'drill-report.md'), html: path.join(dir, 'drill-report.html') } };
        writeFileSync(report.files.json, `${JSON.stringify(report, null, 2)}\n`);
        writeFileSync(report.files.markdown, drillReportMarkdown(report));
        writeFileSync(report.files.html, drillReportHtml(report));
      } catch (error) {
        await state.runs.finish(id, { status: 'failed', error: error instanceof Error ? error.message : String(error) }).catch(() => undefined);
        throw error;
      }
      await state.runs.finish(id, {
        status: report.status === 'passed' ? 'succeeded' : 'failed',
        summary: {
          mode,
          status: report.status,
          failed: report.failed,
          rollbackSeconds: report.rollback?.seconds ?? null,
          rollbackSteps: (report.rollback?.steps ?? []).map((step) => ({ name: step.name, title: step.title, status: step.status, seconds: step.seconds })),
          rto: report.rto,
          estimateSeconds: report.estimate?.seconds ?? null,
          html: report.files.html,
        },
        ...(report.status === 'failed' ? { error: `failed: ${report.failed.join(', ')}` } : {}),
      });
      const messages = await new Notifier(loaded, state, context.io.env).announce({ event: 'drill_finished', runId: id, system: plan.target.name }, drillFacts(loaded, report)).catch(() => []);
      if (messages.length > 0) context.note(`Messages: ${messagesLine(messages)}`);
      await context.audit('drill', report.status === 'passed' ? 'succeeded' : 'failed', `${mode} drill ${id}: ${report.status}${report.failed.length > 0 ? ` (${report.failed.join(', ')})` : ''}`);
      if (report.status === 'failed') context.exitCode = 1;
      context.emit({ ...report, path: dir, messages }, () => formatDrill(report));
    });

  program
    .command('drills')
    .description('past drills, newest first: mode, verdict, the rollback time against the RTO, and the report')
    .action(async () => {
      const state = await context.state();
      if (!state) throw new CutoverError('internal', 'No state store.');
      const drills = (await state.runs.list({ kind: 'drill' })).map((run) => {
        const summary = (run.summary ?? {}) as { mode?: string; status?: string; rollbackSeconds?: number | null; rto?: { objective: string; verdict: string }; estimateSeconds?: number | null; html?: string; failed?: string[] };
        return { id: run.id, startedAt: run.startedAt, mode: summary.mode ?? String(run.options?.['mode'] ?? ''), status: summary.status ?? run.status, rollbackSeconds: summary.rollbackSeconds ?? null, rto: summary.rto ?? null, estimateSeconds: summary.estimateSeconds ?? null, failed: summary.failed ?? [], html: summary.html ?? null };
      });
      context.emit({ drills }, () =>
        drills.length === 0
          ? 'No drills yet: cutover drill'
          : table([
              ['id', 'started', 'mode', 'verdict', 'rollback', 'RTO', 'estimate', 'report'],
              ...drills.map((drill) => [
                drill.id,
                drill.startedAt.replace('T', ' ').slice(0, 19),
                drill.mode,
                drill.status === 'running' ? 'running' : `${drill.status}${drill.failed.length > 0 ? ` (${drill.failed.join(', ')})` : ''}`,
                drill.rollbackSeconds === null ? '—' : `${drill.rollbackSeconds} s`,
                drill.rto ? `${drill.rto.objective} ${drill.rto.verdict}` : '—',
                drill.estimateSeconds === null ? '—' : `${drill.estimateSeconds} s`,
                drill.html ?? '',
              ]),
            ]),
      );
    });
}

/** The facts of a finished drill for its message. */
function drillFacts(loaded: Parameters<typeof planFacts>[0], report: DrillReport): FactsInput {
  return {
    ...planFacts(loaded, 'drill_finished'),
    runbook: {
      id: report.id,
      name: 'drill',
      mode: report.mode,
      status: report.status === 'passed' ? 'succeeded' : 'failed',
      started_at: report.startedAt,
      finished_at: report.finishedAt,
      steps: (report.rollback?.steps ?? []).map((step) => ({ name: step.name, title: step.title, status: step.status, seconds: step.seconds, summary: step.summary })),
      total_seconds: report.rollback?.seconds ?? null,
    },
    recovery: recoveryFacts(report.rto.objective),
    next_steps: [
      report.status === 'passed' ? `The ${report.mode} rollback fits the RTO of ${report.rto.objective}; the report: ${report.files.html}` : `Fix what failed (${report.failed.join(', ')}) and run the drill again; the report: ${report.files.html}`,
    ],
  };
}

function formatDrill(report: DrillReport): string {
  const rollback = report.rollback;
  const lines = [
    `Drill ${report.id} (${report.mode} rollback): ${report.status === 'passed' ? 'PASSED' : `FAILED (${report.failed.join(', ')})`} in ${humanSeconds(report.seconds)}.`,
    rollback?.seconds != null
      ? `  rollback: ${humanSeconds(rollback.seconds)} against an RTO of ${report.rto.objective} — ${report.rto.verdict}${report.rto.marginSeconds !== null ? `, ${humanSeconds(Math.abs(report.rto.marginSeconds))} ${report.rto.marginSeconds >= 0 ? 'to spare' : 'over'}` : ''}`
      : `  rollback: did not finish${rollback ? ` (${rollback.steps.find((step) => step.status === 'failed')?.title ?? 'a step failed'})` : ''}`,
    ...(report.estimate ? [`  estimate for production: ${humanSeconds(report.estimate.seconds)} — ${report.estimate.verdict} (assumptions in the report)`] : []),
    ...report.checks.map((check) => `  ${check.status === 'passed' ? '✓' : '✗'} ${check.name}: ${check.detail}`),
    `Report: ${report.files.html}`,
  ];
  return lines.join('\n');
}
