/** `cutover init`: a starter plan, or a complete runnable demo. */
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CutoverError } from '../core/errors.js';
import { BUILTIN_TEMPLATES, builtinTemplatesDir } from '../notify/index.js';
import { loadPlan } from '../plan/load-plan.js';
import { planJsonSchema } from '../plan/plan-schema.js';
import { systemFromPlan } from '../plan/systems.js';
import { generateDatabase } from './generate-database.js';
import { demoPlan, starterPlan } from './plan-templates.js';

/** The folder beside the plan that holds the message templates people edit. */
export const TEMPLATES_DIR = 'templates';

/** What init wrote. */
export interface InitResult {
  /** The plan file. */
  path: string;
  dir: string;
  files: string[];
  /** For the demo: what was generated per system. */
  systems?: Array<{ name: string; path: string; objects: Array<{ name: string; records: number }> }>;
  seconds: number;
}

function ensureWritable(dir: string, files: string[], force: boolean): void {
  const present = files.filter((file) => existsSync(path.join(dir, file)));
  if (present.length > 0 && !force) {
    throw new CutoverError('usage', `${dir} already has ${present.join(', ')}.`, {
      hints: ['choose another folder with --dir, or pass --force to replace them'],
    });
  }
}

function writeCommon(dir: string, planText: string): string[] {
  mkdirSync(dir, { recursive: true });
  const plan = path.join(dir, 'cutover.yaml');
  const schema = path.join(dir, 'cutover.schema.json');
  writeFileSync(plan, planText);
  writeFileSync(schema, `${JSON.stringify(planJsonSchema(), null, 2)}\n`);
  return [plan, schema, ...copyTemplates(dir)];
}

/** The message templates people edit: copied into `templates/`; a template already there (perhaps edited) is kept. */
function copyTemplates(dir: string): string[] {
  const folder = path.join(dir, TEMPLATES_DIR);
  mkdirSync(folder, { recursive: true });
  const copied: string[] = [];
  for (const name of BUILTIN_TEMPLATES) {
    const file = path.join(folder, `${name}.md`);
    if (existsSync(file)) continue;
    copyFileSync(path.join(builtinTemplatesDir(), `${name}.md`), file);
    copied.push(file);
  }
  return copied;
}

/** Writes a commented starter plan and its JSON Schema into `dir`. */
export function initStarter(dir: string, options: { force?: boolean } = {}): InitResult {
  const started = performance.now();
  ensureWritable(dir, ['cutover.yaml'], options.force ?? false);
  const files = writeCommon(dir, starterPlan());
  return { path: files[0] as string, dir, files, seconds: elapsed(started) };
}

/** The demo's generated files, removed first by --force. */
const DEMO_DATABASES = ['legacy.db', 'salesforce.db'];

/**
 * Writes the demo: a generated legacy CRM (source) and a Salesforce-shaped
 * CRM with the same users and no business records (target), both SQLite,
 * a backup key, and a plan naming them.
 */
export async function initDemo(dir: string, options: { records: number; seed: number; force?: boolean }): Promise<InitResult> {
  const started = performance.now();
  ensureWritable(dir, ['cutover.yaml', ...DEMO_DATABASES], options.force ?? false);
  for (const file of DEMO_DATABASES) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(path.join(dir, file + suffix), { force: true });
  }
  const files = writeCommon(dir, demoPlan(options));
  mkdirSync(path.join(dir, 'secrets'), { recursive: true, mode: 0o700 });
  const keyFile = path.join(dir, 'secrets', 'backup.key');
  if (!existsSync(keyFile)) {
    writeFileSync(keyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    chmodSync(keyFile, 0o600);
  }
  writeFileSync(path.join(dir, '.gitignore'), 'secrets/\nbackups/\nsandboxes/\n.cutover/\n*.db-wal\n*.db-shm\n');
  files.push(keyFile, path.join(dir, '.gitignore'));

  const loaded = loadPlan(files[0] as string);
  const asOf = new Date();
  asOf.setUTCHours(0, 0, 0, 0);
  const systems: NonNullable<InitResult['systems']> = [];
  for (const [name, shape, records] of [
    ['legacy', 'legacy', options.records],
    ['salesforce', 'salesforce', 0],
  ] as const) {
    const generated = await generateDatabase(systemFromPlan(loaded, name), { shape, records, seed: options.seed, asOf });
    files.push(generated.path);
    systems.push({ name, path: generated.path, objects: generated.objects.map(({ name: object, records: n }) => ({ name: object, records: n })) });
  }
  return { path: files[0] as string, dir, files, systems, seconds: elapsed(started) };
}

function elapsed(started: number): number {
  return Number(((performance.now() - started) / 1000).toFixed(3));
}
