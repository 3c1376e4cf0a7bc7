/** `cutover generate`: fill a database with a realistic CRM, for demos, tests and drills. */
import { Option, type Command } from 'commander';
import { CutoverError } from '../../core/errors.js';
import { generateDatabase } from '../../operations/generate-database.js';
import { resolveSystem } from '../../plan/systems.js';
import type { CliContext } from '../context.js';
import { count, duration, table } from '../format.js';
import { wholeNumber } from './options.js';

interface GenerateCliOptions {
  to: string;
  records: number;
  shape: 'legacy' | 'suitecrm' | 'salesforce';
  seed: number;
  asOf?: string;
  users?: number;
  yes?: boolean;
}

/** Adds the command. */
export function registerGenerate(program: Command, context: CliContext): void {
  program
    .command('generate')
    .description('fill an empty database with a realistic, deterministic CRM: users and logins, accounts, contacts, leads, opportunities, activities')
    .requiredOption('--to <system>', 'a system of the plan, or a URL (sqlite:./crm.db is created if absent)')
    .option('--records <n>', 'business records in total (users and logins come on top)', wholeNumber('--records'), 1000)
    .addOption(new Option('--shape <shape>', 'the CRM layout').choices(['legacy', 'suitecrm', 'salesforce']).default('legacy'))
    .option('--seed <n>', 'the same seed gives the same data', wholeNumber('--seed'), 1)
    .option('--as-of <date>', 'the "now" of the data (ISO date); default today')
    .option('--users <n>', 'number of users; default grows with --records', wholeNumber('--users'))
    .option('--yes', 'confirm writing a system the plan marks production')
    .action(async (options: GenerateCliOptions) => {
      const target = resolveSystem(options.to, { plan: context.planIfAny(), cwd: context.io.cwd, env: context.io.env });
      if (target.inPlan && target.environment === 'production' && !options.yes) {
        throw new CutoverError('system.production', `${target.name} is marked production in the plan; generate writes test data into it.`, {
          hints: ['use a sandbox or a new database, or confirm with --yes if this really is a test system'],
        });
      }
      let asOf: Date | undefined;
      if (options.asOf !== undefined) {
        asOf = new Date(options.asOf);
        if (Number.isNaN(asOf.getTime())) throw new CutoverError('usage', `--as-of must be a date such as 2026-01-31, got "${options.asOf}".`);
      }
      let lastLine = 0;
      const result = await generateDatabase(target, {
        shape: options.shape,
        records: options.records,
        seed: options.seed,
        ...(asOf ? { asOf } : {}),
        ...(options.users !== undefined ? { users: options.users } : {}),
        onProgress: (event) => {
          if (context.json || !context.io.isTTY) return;
          const now = performance.now();
          if (now - lastLine < 250 && event.written < event.total) return;
          lastLine = now;
          context.io.stderr(`\r  ${event.object}: ${count(event.written)} / ${count(event.total)}\x1b[K`);
        },
      });
      if (!context.json && context.io.isTTY) context.io.stderr('\r\x1b[K');
      await context.audit('generate', 'succeeded', `generated a ${result.shape} CRM (${options.records} records, seed ${result.seed}) in ${target.name}`);
      context.emit({ id: target.name, ...result }, () =>
        [
          `Generated a ${result.shape} CRM in ${target.name} (seed ${result.seed}, as of ${result.asOf}) in ${duration(result.seconds)}:`,
          table(
            result.objects.map((object) => [object.name, count(object.records), object.deleted > 0 ? `(${count(object.deleted)} soft-deleted)` : '']),
            { indent: 2 },
          ),
          `Next: cutover describe ${options.to}`,
        ].join('\n'),
      );
    });
}
