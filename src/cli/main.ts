/** The `cutover` command line: builds the commands, runs one, and returns its exit code. */
import { Command, CommanderError } from 'commander';
import { CutoverError } from '../core/errors.js';
import { registerBackup } from './commands/backup.js';
import { registerBackups } from './commands/backups.js';
import { registerCheck } from './commands/check.js';
import { registerDiff } from './commands/diff.js';
import { registerLedger } from './commands/ledger.js';
import { registerMigrate } from './commands/migrate.js';
import { registerGoLive } from './commands/go-live.js';
import { registerSimulate } from './commands/simulate.js';
import { registerReset } from './commands/reset.js';
import { registerStatus } from './commands/status.js';
import { registerRollback } from './commands/rollback.js';
import { registerReconcile } from './commands/reconcile.js';
import { registerWatch } from './commands/watch.js';
import { registerDecide } from './commands/decide.js';
import { registerNotify } from './commands/notify.js';
import { registerDrill } from './commands/drill.js';
import { registerDemo } from './commands/demo.js';
import { registerDashboard } from './commands/dashboard.js';
import { registerFinding } from './commands/finding.js';
import { registerSnapshot } from './commands/snapshot.js';
import { registerVerifyMigration } from './commands/verify-migration.js';
import { registerRestore } from './commands/restore.js';
import { registerVerify } from './commands/verify.js';
import { registerDescribe } from './commands/describe.js';
import { registerGenerate } from './commands/generate.js';
import { registerInit } from './commands/init.js';
import { registerSchema } from './commands/schema.js';
import { CliContext, type GlobalOptions } from './context.js';
import { EXIT, handleError } from './handle-error.js';
import { processIo, type CliIo } from './io.js';

/** Runs the CLI with arguments (without `node` and the script) and returns the exit code. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const program = new Command('cutover');
  const context = new CliContext(io, () => program.opts<GlobalOptions>());
  context.argv = argv;
  program
    .description('Make a CRM migration reversible: verified backups, a ledger of every effect, measured rollback triggers, rehearsed rollbacks.')
    .version('0.1.0', '-V, --version')
    .option('--plan <path>', 'the plan file', undefined)
    .option('--json', 'print the result as JSON')
    .option('--debug', 'show stack traces of errors')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (text) => io.stdout(text), writeErr: (text) => io.stderr(text) })
    .exitOverride()
    .addHelpText(
      'after',
      `
Exit codes: 0 ok · 1 the command's check found a problem · 2 bad usage or input · 3 an operation failed.
Start with \`cutover init --demo --dir demo\`, then \`cutover check --plan demo/cutover.yaml\`.`,
    );
  for (const register of [registerInit, registerCheck, registerDescribe, registerGenerate, registerBackup, registerBackups, registerVerify, registerRestore, registerDiff, registerSnapshot, registerMigrate, registerVerifyMigration, registerLedger, registerReset, registerGoLive, registerSimulate, registerWatch, registerDecide, registerFinding, registerRollback, registerReconcile, registerNotify, registerDrill, registerDemo, registerDashboard, registerStatus, registerSchema]) {
    register(program, context);
  }
  for (const command of program.commands) command.exitOverride().configureOutput({ writeOut: (t) => io.stdout(t), writeErr: (t) => io.stderr(t) });

  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT.usage;
    }
    await program.parseAsync(argv, { from: 'user' });
    return context.exitCode;
  } catch (error) {
    const command = writingCommand(argv);
    if (command) {
      try {
        await context.audit(command, 'failed', error instanceof Error ? error.message : String(error));
      } catch {
        // The audit log is best effort when the command itself failed (the state store may be what failed).
      }
    }
    const options = { debug: argv.includes('--debug'), json: argv.includes('--json') };
    if (error instanceof CommanderError) return handleError(error, io, options);
    return handleError(error instanceof Error || error instanceof CutoverError ? error : new Error(String(error)), io, options);
  } finally {
    await context.close().catch(() => undefined);
  }
}

/** The command of a run that writes, whose failure is audited too (successes audit themselves, with a summary). */
function writingCommand(argv: string[]): string | undefined {
  const words = argv.filter((arg) => !arg.startsWith('-'));
  if (words[0] === 'backups') return words[1] === 'prune' && !argv.includes('--dry-run') ? 'backups prune' : undefined;
  if (words[0] === 'restore') return argv.includes('--dry-run') ? undefined : 'restore';
  return words[0] === 'backup' || words[0] === 'generate' ? words[0] : undefined;
}
