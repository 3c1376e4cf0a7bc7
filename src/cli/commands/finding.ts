/** `cutover finding`: security or compliance findings recorded by people; an open critical one fires the security trigger. */
import { type Command, Option } from 'commander';
import { CutoverError } from '../../core/errors.js';
import { newRunId } from '../../runbooks/migrate/run-migration.js';
import { currentUser, type Finding } from '../../state/index.js';
import { currentGoLive } from '../../watch/run-watch.js';
import type { CliContext } from '../context.js';
import { table } from '../format.js';

/** Adds the command and its subcommands. */
export function registerFinding(program: Command, context: CliContext): void {
  const finding = program.command('finding').description('record, list and resolve security or compliance findings about the new CRM');

  finding
    .command('add')
    .argument('<text>', 'what was found, in a sentence')
    .addOption(new Option('--severity <severity>', 'critical fires the security trigger (recommends a rollback); warning is reported').choices(['critical', 'warning']).makeOptionMandatory())
    .description('record a finding')
    .action(async (text: string, options: { severity: 'critical' | 'warning' }) => {
      const { system, state } = await target(context);
      if (!text.trim()) throw new CutoverError('usage', 'The finding is empty.', { hints: ['say what was found: cutover finding add --severity critical "…"'] });
      const at = new Date();
      const added = await state.findings.add({ id: newRunId('finding', at), system, severity: options.severity, text: text.trim(), user: currentUser(), at: at.toISOString() });
      await context.audit('finding add', 'succeeded', `${added.severity} finding ${added.id} about ${system}`);
      context.emit(added, () => `Recorded ${added.severity} finding ${added.id} about ${system}${added.severity === 'critical' ? ': the security trigger fires until it is resolved (cutover finding resolve)' : ''}.`);
    });

  finding
    .command('list')
    .option('--all', 'resolved findings too')
    .description('findings about the target, newest first')
    .action(async (options: { all?: boolean }) => {
      const { system, state } = await target(context);
      const findings = await state.findings.list(system, { open: !options.all });
      context.emit({ system, findings }, () => (findings.length === 0 ? `No ${options.all ? '' : 'open '}findings about ${system}.` : formatFindings(findings)));
    });

  finding
    .command('resolve')
    .argument('<id>', 'the finding')
    .requiredOption('--note <text>', 'how it was resolved')
    .description('mark a finding resolved')
    .action(async (id: string, options: { note: string }) => {
      const { state } = await target(context);
      const resolved = await state.findings.resolve(id, options.note);
      await context.audit('finding resolve', 'succeeded', `finding ${id} resolved`);
      context.emit(resolved, () => `Resolved finding ${id}: ${resolved.resolution ?? ''}`);
    });
}

async function target(context: CliContext) {
  const loaded = context.plan();
  const state = await context.state();
  if (!state) throw new CutoverError('internal', 'No state store.');
  const goLive = await currentGoLive(loaded, state).catch(() => undefined);
  const system = goLive?.system ?? Object.entries(loaded.plan.systems).find(([, s]) => s.role === 'target')?.[0];
  if (!system) throw new CutoverError('usage', 'The plan has no target system for findings to be about.', { hints: ['give one system role: target'] });
  return { system, state };
}

function formatFindings(findings: Finding[]): string {
  return table(
    [['id', 'severity', 'at', 'by', 'finding', 'resolved'], ...findings.map((f) => [f.id, f.severity, f.at.slice(0, 16).replace('T', ' '), f.user, f.text, f.resolvedAt ? `${f.resolvedAt.slice(0, 16).replace('T', ' ')}: ${f.resolution ?? ''}` : ''])],
  );
}
