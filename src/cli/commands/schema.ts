/** `cutover schema`: the plan's JSON Schema, for editors. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { planJsonSchema } from '../../plan/plan-schema.js';
import type { CliContext } from '../context.js';

/** Adds the command. */
export function registerSchema(program: Command, context: CliContext): void {
  program
    .command('schema')
    .description('print the JSON Schema of cutover.yaml (or write it with --out), so editors can check and complete plans')
    .option('--out <file>', 'write to this file')
    .action((options: { out?: string }) => {
      const text = `${JSON.stringify(planJsonSchema(), null, 2)}\n`;
      if (options.out) {
        const file = path.resolve(context.io.cwd, options.out);
        writeFileSync(file, text);
        context.emit({ path: file }, () => `Wrote ${file}`);
      } else {
        context.io.stdout(text);
      }
    });
}
