/**
 * Naming a backup: by id, by the path of its folder, or `latest` /
 * `latest:<system>` (the newest complete backup of the plan's source, or of
 * that system).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CutoverError } from '../core/errors.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import type { BackupRow, StateStore } from '../state/index.js';

/** A backup found by reference: its folder, and its row when the state store knows it. */
export interface BackupHandle {
  id: string;
  dir: string;
  system: string;
  row: BackupRow | undefined;
}

/** Whether text names a backup rather than a system. */
export async function looksLikeBackupRef(ref: string, state: StateStore | undefined, cwd: string): Promise<boolean> {
  if (ref === 'latest' || ref.startsWith('latest:')) return true;
  if (await state?.backups.get(ref)) return true;
  const dir = path.resolve(cwd, ref);
  return existsSync(path.join(dir, 'manifest.json')) || existsSync(path.join(dir, 'archive.json'));
}

/** Finds a backup; a clear error naming what exists when it cannot. */
export async function resolveBackup(ref: string, options: { state: StateStore | undefined; plan: LoadedPlan | undefined; cwd: string }): Promise<BackupHandle> {
  const { state, plan } = options;
  if (ref === 'latest' || ref.startsWith('latest:')) {
    let system = ref.slice('latest:'.length);
    if (ref === 'latest') {
      const source = plan && Object.entries(plan.plan.systems).find(([, s]) => s.role === 'source')?.[0];
      if (!source) throw new CutoverError('usage', '"latest" means the newest backup of the plan\'s source, but there is no plan with a source.', { hints: ['name the system: latest:<system>'] });
      system = source;
    }
    const row = await latestBackup(state, system);
    if (!row) {
      throw new CutoverError('usage', `There is no complete backup of ${system}.`, { hints: [`make one with \`cutover backup ${system}\``] });
    }
    return { id: row.id, dir: row.path, system: row.system, row };
  }
  const byId = await state?.backups.get(ref);
  if (byId) return { id: byId.id, dir: byId.path, system: byId.system, row: byId };
  const dir = path.resolve(options.cwd, ref);
  if (existsSync(dir) && statSync(dir).isDirectory()) {
    for (const header of ['manifest.json', 'archive.json']) {
      const file = path.join(dir, header);
      if (!existsSync(file)) continue;
      const meta = JSON.parse(readFileSync(file, 'utf8')) as { id?: string; system?: string };
      const row = meta.id ? await state?.backups.get(meta.id) : undefined;
      return { id: meta.id ?? path.basename(dir), dir, system: meta.system ?? 'unknown', row };
    }
  }
  const known = ((await state?.backups.list()) ?? []).slice(0, 5).map((b) => b.id);
  throw new CutoverError('usage', `No backup "${ref}".`, {
    hints: [known.length > 0 ? `recent backups: ${known.join(', ')} (all: \`cutover backups\`)` : 'make one with `cutover backup <system>`', 'a backup is named by its id, its folder, latest or latest:<system>'],
  });
}

/** Why a backup was taken automatically: a restore's safety copy of its target is not what `latest` means. */
export const SAFETY_REFERENCE = 'pre-restore';

/** The newest complete backup a person took of a system (not a restore's safety copy). */
export async function latestBackup(state: StateStore | undefined, system: string): Promise<BackupRow | undefined> {
  for (const row of (await state?.backups.list({ system, status: 'complete' })) ?? []) {
    if (!(await state?.backups.references(row.id))?.some((reference) => reference.kind === SAFETY_REFERENCE)) return row;
  }
  return undefined;
}
