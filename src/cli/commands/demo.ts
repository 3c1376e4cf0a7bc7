/**
 * `cutover demo`: the whole story on the embedded default, from nothing,
 * told in a few lines with the path of one HTML report that tells it with
 * figures.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { demoReportHtml } from '../../report/demo-report-html.js';
import type { CliContext } from '../context.js';
import { runDemo } from '../demo/run-demo.js';
import { commandRunner } from '../run-commands.js';
import { wholeNumber } from './options.js';

/** Adds the command. */
export function registerDemo(program: Command, context: CliContext): void {
  program
    .command('demo')
    .description(
      'the whole story on the embedded default (SQLite), from nothing: a generated legacy CRM backed up and verified deeply, the target snapshotted, the migration run and verified, go-live, days of use that lose records, the watch firing, the decision, the immediate rollback with its messages, the source compared with its backup, and a drill of the delayed procedure; prints the story and the path of an HTML report',
    )
    .option('--dir <dir>', 'folder for the demo (replaced)', 'demo')
    .option('--records <n>', 'business records in the legacy CRM', wholeNumber('--records'), 2000)
    .action(async (options: { dir: string; records: number }) => {
      const dir = path.resolve(context.io.cwd, options.dir);
      mkdirSync(dir, { recursive: true });
      const { main } = await import('../main.js');
      // The demo's own key, made by init; an outer CUTOVER_KEY would not open its backups.
      const env = { ...context.io.env };
      delete env['CUTOVER_KEY'];
      context.note(`The cutover demo in ${dir}, ${options.records} records:`);
      const story = await runDemo({
        dir,
        records: options.records,
        run: commandRunner(dir, env, main),
        onChapter: (chapter) => context.note(`  ${chapter.status === 'succeeded' ? '✓' : '✗'} ${chapter.title} (${chapter.seconds.toFixed(2)} s)`),
      });
      const html = path.join(dir, 'demo-report.html');
      writeFileSync(html, demoReportHtml({ project: 'Acme Corp — legacy CRM to Salesforce (demo)', generatedAt: new Date().toISOString(), records: options.records, seconds: story.seconds, ok: story.ok, chapters: story.chapters, drillReport: story.drillReport }));
      if (!story.ok) context.exitCode = 3;
      context.emit({ ...story, path: html, id: path.basename(dir) }, () =>
        [
          '',
          ...story.chapters.map((chapter, index) => `${index + 1}. ${chapter.title}. ${chapter.story}`),
          '',
          `${story.ok ? 'The whole story ran' : 'The demo stopped'} in ${story.seconds.toFixed(1)} s. The report, with every figure: ${html}`,
          `The war room, live: cutover dashboard --plan ${path.relative(context.io.cwd, path.join(dir, 'cutover.yaml')) || 'cutover.yaml'}`,
        ].join('\n'),
      );
    });
}
