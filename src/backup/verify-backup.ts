/**
 * `cutover verify`: quick — every chunk authenticated and hashed, counts and
 * digests against the manifest; deep — also restore the backup into a fresh
 * embedded sandbox and diff it record by record against the backup.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { verifyArchive } from '../archive/index.js';
import { resolveProfile, type BuiltInProfileName } from '../connectors/sql/sql-profile.js';
import { openSqlite } from '../connectors/sqlite/sqlite-connector.js';
import { isCutoverError } from '../core/errors.js';
import { connectorSource, diffSources, type DiffReport } from '../diff/index.js';
import type { StateStore, VerificationRow } from '../state/index.js';
import { backupSource, openBackupChain, type BackupChain, type BackupExtra } from './backup-chain.js';
import type { BackupHandle } from './backup-ref.js';
import { runRestore } from './restore.js';

/** The outcome of a verification. */
export interface VerifyResult {
  id: string;
  path: string;
  mode: 'quick' | 'deep';
  ok: boolean;
  /** Each problem names the object and chunk (quick) or the object and records (deep). */
  problems: string[];
  chunks: number;
  records: number;
  bytes: number;
  /** For deep: the restore's counts and the diff. */
  restored?: { created: number; linked: number; failures: number };
  diff?: DiffReport;
  verification?: VerificationRow;
  seconds: number;
}

/** Verifies a backup (and, for an incremental one, every backup it builds on), and records the result. */
export async function verifyBackup(handle: BackupHandle, options: { secret: string; deep: boolean; state?: StateStore; signal?: AbortSignal }): Promise<VerifyResult> {
  const started = performance.now();
  const result: VerifyResult = { id: handle.id, path: handle.dir, mode: options.deep ? 'deep' : 'quick', ok: true, problems: [], chunks: 0, records: 0, bytes: 0, seconds: 0 };
  const dirs = [handle.dir];
  let chain: BackupChain | undefined;
  try {
    chain = await openBackupChain(handle.dir, options.secret, options.state);
    dirs.splice(0, dirs.length, ...chain.readers.map((reader) => reader.dir));
  } catch (error) {
    // The quick check below reports what is wrong with the top archive itself.
    if (!isCutoverError(error) || error.code === 'archive.incomplete') result.problems.push(isCutoverError(error) ? error.message : String(error));
  }
  for (const dir of dirs) {
    const report = await verifyArchive(dir, options.secret, options.signal ? { signal: options.signal } : {});
    const prefix = dir === handle.dir ? '' : `base ${path.basename(dir)}: `;
    for (const problem of report.problems) {
      result.problems.push(`${prefix}${[problem.object, problem.chunk].filter(Boolean).join(' / ')}${problem.object || problem.chunk ? ': ' : ''}${problem.message}`);
    }
    result.chunks += report.chunks;
    result.records += report.records;
    result.bytes += report.bytes;
  }
  if (options.deep && chain && result.problems.length === 0) await deepCheck(handle, chain, options, result);
  result.ok = result.problems.length === 0;
  result.seconds = Number(((performance.now() - started) / 1000).toFixed(3));
  if (options.state && handle.row) {
    result.verification = await options.state.backups.addVerification({
      backupId: handle.id,
      mode: result.mode,
      ok: result.ok,
      problems: result.problems,
      seconds: result.seconds,
      at: new Date().toISOString(),
    });
  }
  return result;
}

async function deepCheck(handle: BackupHandle, chain: BackupChain, options: { signal?: AbortSignal }, result: VerifyResult): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cutover-verify-'));
  const profileName = ((chain.top.manifest.extra as Partial<BackupExtra>).profile ?? 'generic') as string;
  const profile = resolveProfile((['generic', 'suitecrm', 'salesforce'].includes(profileName) ? profileName : 'generic') as BuiltInProfileName);
  const sandbox = openSqlite({ file: path.join(dir, 'sandbox.db'), readonly: false }, profile, { create: true, displayName: 'verify sandbox' });
  try {
    const restore = await runRestore({ chain, connector: sandbox, prune: false, dryRun: false, ...(options.signal ? { signal: options.signal } : {}) });
    result.restored = { created: restore.written.created, linked: restore.written.linked, failures: restore.failures.length };
    for (const failure of restore.failures.slice(0, 20)) {
      result.problems.push(`${failure.object} ${failure.id}: the test restore could not ${failure.step} it: ${failure.message}`);
    }
    const diff = await diffSources(backupSource(chain, `backup ${handle.id}`), connectorSource(sandbox, 'test restore'), options.signal ? { signal: options.signal } : {});
    result.diff = diff;
    for (const object of diff.objects) {
      if (object.onlyInA + object.onlyInB + object.changed === 0 && !object.missingOn) continue;
      const examples = [...object.onlyInAIds.slice(0, 3), ...object.changes.slice(0, 3).map((c) => `${c.id} (${c.fields.map((f) => f.field).join(', ')})`)];
      result.problems.push(
        `${object.object}: the test restore differs from the backup: ${object.onlyInA} missing, ${object.onlyInB} extra, ${object.changed} changed${examples.length ? ` (e.g. ${examples.join('; ')})` : ''}`,
      );
    }
  } finally {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
