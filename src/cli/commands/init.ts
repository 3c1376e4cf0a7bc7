/** `cutover init`: write a starter plan, or a complete runnable demo. */
import path from 'node:path';
import type { Command } from 'commander';
import { initDemo, initStarter } from '../../operations/init-project.js';
import type { CliContext } from '../context.js';
import { count, duration } from '../format.js';
import { wholeNumber } from './options.js';

/** Adds the command. */
export function registerInit(program: Command, context: CliContext): void {
  program
    .command('init')
    .description('write a commented starter plan (cutover.yaml), or with --demo a complete demo: a generated legacy CRM, an empty target CRM and their plan')
    .option('--dir <dir>', 'folder to write into', '.')
    .option('--demo', 'write the runnable demo')
    .option('--records <n>', 'demo: business records in the legacy CRM', wholeNumber('--records'), 2000)
    .option('--seed <n>', 'demo: seed of the generated data', wholeNumber('--seed'), 42)
    .option('--force', 'replace an existing plan (and, for --demo, the demo databases)')
    .action(async (options: { dir: string; demo?: boolean; records: number; seed: number; force?: boolean }) => {
      const dir = path.resolve(context.io.cwd, options.dir);
      const force = options.force ?? false;
      if (!options.demo) {
        const result = initStarter(dir, { force });
        context.emit({ id: 'plan', ...result }, () =>
          [`Wrote ${result.path} and its JSON Schema.`, 'Next: edit the systems in it, then run `cutover check`.'].join('\n'),
        );
        return;
      }
      context.note(`Generating the demo CRMs in ${dir} …`);
      const result = await initDemo(dir, { records: options.records, seed: options.seed, force });
      const fromHere = path.relative(context.io.cwd, result.path);
      const relative = fromHere && !fromHere.startsWith('..') ? fromHere : result.path;
      context.emit({ id: 'demo', ...result }, () =>
        [
          `Demo ready in ${dir} (${duration(result.seconds)}):`,
          ...(result.systems ?? []).map(
            (system) => `  ${system.name}: ${system.path} — ${system.objects.map((o) => `${o.name} ${count(o.records)}`).join(', ')}`,
          ),
          `  plan: ${result.path}`,
          '',
          'Next:',
          `  cutover check --plan ${relative}`,
          `  cutover describe legacy --plan ${relative}`,
        ].join('\n'),
      );
    });
}
