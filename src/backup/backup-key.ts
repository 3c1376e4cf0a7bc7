/** Where a backup's key comes from: --key-file, the plan's `backup.key`, or CUTOVER_KEY. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CutoverError } from '../core/errors.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import { resolveSecret } from '../plan/secrets.js';

/** Options naming the key. */
export interface KeyOptions {
  plan: LoadedPlan | undefined;
  /** `--key-file`, relative to the working folder. */
  keyFile?: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** The secret text of the backup key (a raw key or a passphrase; the archive tells them apart). */
export function backupSecret(options: KeyOptions): string {
  if (options.keyFile) {
    const file = path.resolve(options.cwd, options.keyFile);
    try {
      const text = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
      if (text) return text;
    } catch (error) {
      throw new CutoverError('plan.secret', `Cannot read the key file ${file}.`, { hints: ['check the path given to --key-file'], cause: error });
    }
    throw new CutoverError('plan.secret', `The key file ${file} is empty.`);
  }
  const configured = options.plan?.plan.backup?.key;
  if (configured && options.plan) return resolveSecret(configured, 'backup.key', options.plan.dir, options.env);
  const fromEnv = options.env.CUTOVER_KEY;
  if (fromEnv) return fromEnv;
  throw new CutoverError('plan.secret', 'No backup key: backups are always encrypted.', {
    hints: [
      'set backup.key in the plan to env:NAME or file:PATH, or export CUTOVER_KEY, or pass --key-file PATH',
      'make a key with: node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'base64\'))"',
    ],
  });
}

/** The folder backups go to: --out, else the plan's `backup.storage` (default ./backups beside the plan). */
export function backupStorage(options: { plan: LoadedPlan | undefined; out?: string; cwd: string }): string {
  if (options.out) return path.resolve(options.cwd, options.out);
  if (options.plan) return path.resolve(options.plan.dir, options.plan.plan.backup?.storage ?? './backups');
  throw new CutoverError('usage', 'No plan, so no backup storage folder is known.', { hints: ['pass --out DIR, or run where cutover.yaml is (or with --plan PATH)'] });
}
