/** `cutover reconcile`: check an edited reconciliation plan, or apply it to the restored source with every write in the ledger. */
import path from 'node:path';
import type { Command } from 'commander';
import { backupSecret } from '../../backup/backup-key.js';
import type { Connector } from '../../connectors/contract.js';
import { CutoverError } from '../../core/errors.js';
import { migrationSystems } from '../../operations/migration-setup.js';
import { openSystem } from '../../operations/open-system.js';
import { newRunId } from '../../runbooks/migrate/run-migration.js';
import { applyReconciliation, appliedEntries, type ApplyReconciliationResult } from '../../runbooks/rollback/reconcile-apply.js';
import { checkReconciliation, type CheckResult } from '../../runbooks/rollback/reconcile-check.js';
import { countActions, type ReconcileProblem } from '../../runbooks/rollback/reconcile-types.js';
import type { StateStore } from '../../state/index.js';
import { confirmProduction } from '../confirm.js';
import type { CliContext } from '../context.js';
import { safetyBackup } from '../safety-backup.js';

interface ReconcileCliOptions {
  check?: string;
  apply?: string;
  yes?: boolean;
  keyFile?: string;
}

/** Adds the command. */
export function registerReconcile(program: Command, context: CliContext): void {
  program
    .command('reconcile')
    .description(
      "carry what was entered in the new CRM back into the restored source: --check an edited reconciliation plan (every problem with its entry and field), or --apply it (creates, references, updates, deletes; every write in the ledger; a verified safety backup of the source first)",
    )
    .option('--check <file>', 'check a reconciliation plan file against the source; exit 1 when it has problems')
    .option('--apply <file>', 'apply a checked reconciliation plan file to the source')
    .option('--yes', 'confirm writing a source marked production')
    .option('--key-file <file>', "file holding the backup key (default: the plan's backup.key, else CUTOVER_KEY)")
    .action(async (options: ReconcileCliOptions) => {
      if (!!options.check === !!options.apply) throw new CutoverError('usage', 'Give either --check <file> or --apply <file>.', { hints: ['cutover reconcile --check reconciliation.json'] });
      const loaded = context.plan();
      const state = await context.state();
      if (!state) throw new CutoverError('internal', 'No state store.');
      const { source } = migrationSystems(loaded, context.io.env);
      const file = path.resolve(context.io.cwd, (options.check ?? options.apply)!);
      const connector = await openSystem(source);
      try {
        const checked = await check(file, source.name, connector, state);
        if (options.check) {
          if (checked.problems.length > 0) context.exitCode = 1;
          context.emit({ file, ok: checked.problems.length === 0, problems: checked.problems, counts: checked.plan ? countActions(checked.plan) : null }, () => formatCheck(file, checked));
          return;
        }
        if (!checked.plan || checked.problems.length > 0) {
          throw new CutoverError('usage', `The reconciliation plan ${file} has ${checked.problems.length} problem(s); nothing was written.`, {
            details: checked.problems.map(problemLine),
            hints: [`see them all: cutover reconcile --check ${options.apply}`],
          });
        }
        await confirmProduction(context, source, options.yes ?? false, 'reconciling writes the records entered in the new CRM into it', 'Reconcile');
        const secret = backupSecret({ plan: loaded, cwd: context.io.cwd, env: context.io.env, ...(options.keyFile ? { keyFile: options.keyFile } : {}) });
        const runId = newRunId('reconcile', new Date());
        await state.runs.start({ id: runId, kind: 'reconcile', system: source.name, source: checked.plan.export.id, dryRun: false, options: { file } });
        let safety: string | undefined;
        let result: ApplyReconciliationResult;
        try {
          result = await applyReconciliation({
            plan: checked.plan,
            state,
            system: source.name,
            source: connector,
            runId,
            beforeWrite: async () => {
              safety = await safetyBackup(context, source, secret, 'reconciling');
            },
          });
        } catch (error) {
          await state.runs.finish(runId, { status: 'failed', error: error instanceof Error ? error.message : String(error) });
          throw error;
        }
        const { failures, ...counts } = result;
        await state.runs.finish(runId, failures.length > 0 ? { status: 'failed', summary: counts, error: `${failures.length} record(s) failed` } : { status: 'succeeded', summary: counts });
        await context.audit('reconcile', 'succeeded', `run ${runId}: ${result.created} created, ${result.updated} updated, ${result.deleted} deleted in ${source.name}${failures.length > 0 ? `, ${failures.length} failed` : ''}`);
        if (failures.length > 0) context.exitCode = 3;
        context.emit({ id: runId, file, ...result, safetyBackup: safety ?? null }, () => formatApply(result, source.name, safety));
      } finally {
        await connector.close();
      }
    });
}

async function check(file: string, sourceName: string, connector: Connector, state: StateStore): Promise<CheckResult> {
  const description = await connector.describe();
  const first = await checkReconciliation(file, { description, source: connector });
  if (!first.plan) return first;
  const plan = first.plan;
  // Entries applied before may name records deleted for good since: their ids need not exist any more.
  const applied = await appliedEntries(plan, state, sourceName);
  const checked = applied.size > 0 ? await checkReconciliation(file, { description, source: connector, applied }) : first;
  const problems: ReconcileProblem[] = [...checked.problems];
  if (plan.source !== sourceName) problems.unshift({ field: 'source', message: `the plan was made for ${plan.source}, but the plan's source is ${sourceName}` });
  return { plan, problems };
}

function problemLine(problem: ReconcileProblem): string {
  return `${problem.entry === undefined ? 'file' : `entry ${problem.entry}`}${problem.field ? ` ${problem.field}` : ''}: ${problem.message}`;
}

function formatCheck(file: string, checked: CheckResult): string {
  if (checked.problems.length === 0) {
    const counts = countActions(checked.plan!);
    return `${file} is ready to apply: ${counts.create} to create, ${counts.update} to update, ${counts.delete} to delete, ${counts.skip} skipped.\nApply it: cutover reconcile --apply ${file}`;
  }
  return [`${file} has ${checked.problems.length} problem(s):`, ...checked.problems.map((problem) => `  ${problemLine(problem)}`)].join('\n');
}

function formatApply(result: ApplyReconciliationResult, source: string, safety: string | undefined): string {
  const lines = [
    result.wrote
      ? `Reconciled into ${source}, run ${result.runId}${safety ? ` (safety backup ${safety} first)` : ''}: ${result.created} created, ${result.linked} reference(s) set, ${result.updated} updated, ${result.deleted} deleted; ${result.skipped} skipped, ${result.alreadyApplied} applied before.`
      : `Nothing to write: every entry was applied before (${result.alreadyApplied}) or is skipped (${result.skipped}).`,
  ];
  if (result.recovered.confirmed + result.recovered.dropped > 0) lines.push(`  An interrupted apply was settled first: ${result.recovered.confirmed} write(s) had happened, ${result.recovered.dropped} had not.`);
  for (const failure of result.failures.slice(0, 20)) lines.push(`  entry ${failure.entry} ${failure.step} ${failure.object} ${failure.id ?? '(new)'}${failure.field ? `.${failure.field}` : ''}: ${failure.code}: ${failure.message}`);
  if (result.failures.length > 20) lines.push(`  … and ${result.failures.length - 20} more (--json lists them all)`);
  return lines.join('\n');
}
