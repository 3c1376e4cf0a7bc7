/** `cutover ledger`: query and export the ledger, every effect cutover had on a system. */
import { Option, type Command } from 'commander';
import { CutoverError } from '../../core/errors.js';
import { csvLine } from '../../report/csv.js';
import type { LedgerEntry } from '../../state/index.js';
import type { CliContext } from '../context.js';
import { count, table } from '../format.js';

interface LedgerCliOptions {
  system?: string;
  object?: string;
  sourceId?: string;
  targetId?: string;
  run?: string;
  format?: 'table' | 'csv' | 'json';
}

/** Columns of the CSV export; `Old Id`/`New Id` let satellite systems be re-pointed. */
const CSV_COLUMNS = ['Run', 'At', 'System', 'Object', 'Source Object', 'Old Id', 'New Id', 'Operation', 'Hash', 'Prior Values'];
/** Rows the table shows before it says how many more there are. */
const TABLE_ROWS = 50;

/** Adds the command. */
export function registerLedger(program: Command, context: CliContext): void {
  program
    .command('ledger')
    .description('list or export the ledger: every record cutover created, updated or deleted in a system, with the source id it came from (Old Id) and its id there (New Id)')
    .option('--system <name>', "the system written (default: the mapping's target)")
    .option('--object <name>', 'only this object (as named in that system)')
    .option('--source-id <id>', 'only effects of the record migrated from this source id')
    .option('--target-id <id>', 'only effects on the record with this id in the system')
    .option('--run <id>', 'only effects of this run')
    .addOption(new Option('--format <format>', 'table for people, csv or json for tools').choices(['table', 'csv', 'json']).default('table'))
    .action(async (options: LedgerCliOptions) => {
      if (options.sourceId && options.targetId) throw new CutoverError('usage', 'Give --source-id or --target-id, not both.');
      const plan = context.plan();
      const state = await context.state();
      if (!state) throw new CutoverError('internal', 'No state store.');
      const system = options.system ?? defaultSystem(plan.plan);
      const entries = await state.ledger.entries({
        system,
        ...(options.object ? { object: options.object } : {}),
        ...(options.sourceId ? { sourceId: options.sourceId } : {}),
        ...(options.targetId ? { targetId: options.targetId } : {}),
        ...(options.run ? { runId: options.run } : {}),
      });
      if (options.format === 'csv') {
        context.io.stdout(csvLine(CSV_COLUMNS));
        for (const entry of entries) context.io.stdout(csvLine(csvRow(entry)));
        return;
      }
      if (options.format === 'json' || context.json) {
        context.io.stdout(`${JSON.stringify({ system, entries }, null, 2)}\n`);
        return;
      }
      context.emit({ system, entries }, () =>
        entries.length === 0
          ? `The ledger of ${system} has no entries${options.object || options.sourceId || options.targetId || options.run ? ' that match' : ''}.`
          : [
              `Ledger of ${system}: ${count(entries.length)} effect(s)`,
              table(
                [
                  ['at', 'run', 'object', 'old id', 'new id', 'operation'],
                  ...entries.slice(0, TABLE_ROWS).map((e) => [e.at.slice(0, 19).replace('T', ' '), e.runId, e.object, e.sourceId ?? '', e.targetId, e.operation]),
                ],
                { indent: 2 },
              ),
              ...(entries.length > TABLE_ROWS ? [`  … and ${count(entries.length - TABLE_ROWS)} more: --format csv exports them all`] : []),
            ].join('\n'),
      );
    });
}

function csvRow(entry: LedgerEntry): unknown[] {
  return [entry.runId, entry.at, entry.system, entry.object, entry.sourceObject, entry.sourceId, entry.targetId, entry.operation, entry.hash, entry.prior];
}

/** The mapping's target, else the plan's one `role: target` system. */
function defaultSystem(plan: { mapping?: { target?: string } | undefined; systems: Record<string, { role: string }> }): string {
  if (plan.mapping?.target) return plan.mapping.target;
  const targets = Object.entries(plan.systems).filter(([, system]) => system.role === 'target').map(([name]) => name);
  if (targets.length === 1) return targets[0] as string;
  throw new CutoverError('usage', 'Name the system whose ledger to show with --system.', { hints: [`systems: ${Object.keys(plan.systems).join(', ')}`] });
}
