/**
 * `cutover migrate`: moves the source's records into the target through a
 * compiled mapping, object by object in dependency order, then sets the
 * references left for a second pass. Every effect goes into the ledger
 * (intent first), so re-running writes only what changed and a killed run
 * resumes; records that fail are written to the run's failure files with
 * their reason, never dropped.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Connector } from '../../connectors/contract.js';
import { CutoverError, isCutoverError } from '../../core/errors.js';
import { matchUsers, type CompiledMapping } from '../../core/mapping/index.js';
import type { StateStore } from '../../state/index.js';
import { FailuresFile, type MigrationFailure } from './failures-file.js';
import { migrateObject, type ObjectCounts, type RunContext } from './migrate-object.js';
import type { MigrationSource } from './migration-source.js';
import { recoverPending, type Recovery } from './recover.js';
import { setDeferredLinks, type LinkCounts } from './second-pass.js';

/** Settings of a migration run. */
export interface MigrationOptions {
  mapping: CompiledMapping;
  source: MigrationSource;
  /** The target system, open. */
  target: Connector;
  state: StateStore;
  /** Folder that holds one folder per run (failure files): `<plan dir>/.cutover/runs`. */
  runsDir: string;
  /** Transform and validate everything, write nothing (not even the ledger). */
  dryRun?: boolean;
  signal?: AbortSignal;
  /** Called when an object is done. */
  onObject?: (counts: ObjectCounts) => void;
}

/** What a migration run did. */
export interface MigrationReport {
  /** The run's id in the state store. */
  id: string;
  source: string;
  target: string;
  dryRun: boolean;
  objects: ObjectCounts[];
  /** References set in the second pass (planned, in a dry run). */
  links: LinkCounts;
  /** Intents of an interrupted earlier run, settled before this one wrote anything. */
  recovered: Recovery;
  /** Records (and references) that failed, with the files listing every one. */
  failures: { count: number; examples: MigrationFailure[]; csv?: string; jsonl?: string };
  seconds: number;
  measuredAt: string;
}

/** A run id: kind, UTC time, and a random suffix. */
export function newRunId(kind: string, at: Date): string {
  return `${kind}-${at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(2).toString('hex')}`;
}

/** Runs a migration (see the module comment). */
export async function runMigration(options: MigrationOptions): Promise<MigrationReport> {
  const { mapping, state, target } = options;
  const dryRun = options.dryRun ?? false;
  const startedAt = new Date();
  const started = performance.now();
  if (!dryRun && !target.capabilities.acceptsIds) {
    throw new CutoverError('capability.missing', `${mapping.target} does not take ids on insert, which the ledger needs to record a record before it is created.`, {
      hints: ['this connector cannot be a migration target yet'],
    });
  }
  const { alive } = await state.runs.closeInterrupted('migrate', mapping.target);
  if (alive.length > 0 && !dryRun) {
    const other = alive[0]!;
    throw new CutoverError('state.locked', `Another migration into ${mapping.target} is running: run ${other.id}, process ${other.pid} on ${other.host}.`, {
      hints: ['wait for it to end; if that process is gone for good, run this command on its machine to close it'],
    });
  }
  const id = newRunId(dryRun ? 'migrate-dry' : 'migrate', startedAt);
  await state.runs.start({ id, kind: 'migrate', system: mapping.target, source: options.source.label, dryRun });
  const failures = new FailuresFile(path.join(options.runsDir, id));
  try {
    const recovered = dryRun ? { confirmed: 0, dropped: 0 } : await recoverPending(state, mapping.target, target, options.signal);
    const targetDescription = await target.describe();
    const targetUsers = targetDescription.usersObject ? await target.listUsers() : [];
    const run: RunContext = {
      runId: id,
      system: mapping.target,
      target,
      targetDescription,
      state,
      source: options.source,
      users: matchUsers(mapping.users, options.source.users, targetUsers).userOf,
      failures,
      failed: new Map(),
      dryRun,
      planned: new Map(),
      plannedLinks: 0,
      signal: options.signal,
    };
    const objects: ObjectCounts[] = [];
    for (const objectMapping of mapping.objects) {
      const counts = await migrateObject(run, objectMapping);
      objects.push(counts);
      options.onObject?.(counts);
    }
    const links = dryRun ? { set: run.plannedLinks, failed: 0 } : await setDeferredLinks(run);
    failures.close();
    const report: MigrationReport = {
      id,
      source: options.source.label,
      target: mapping.target,
      dryRun,
      objects,
      links,
      recovered,
      failures: { count: failures.count, examples: failures.examples, ...(failures.count > 0 ? { csv: failures.csv, jsonl: failures.jsonl } : {}) },
      seconds: Math.round(performance.now() - started) / 1000,
      measuredAt: startedAt.toISOString(),
    };
    await state.runs.finish(id, { status: 'succeeded', summary: summaryOf(report) });
    return report;
  } catch (error) {
    failures.close();
    await state.runs.finish(id, { status: 'failed', error: isCutoverError(error) ? error.message : String(error) });
    throw error;
  }
}

/** What the state store keeps of a report: counts, not examples. */
function summaryOf(report: MigrationReport): unknown {
  return { source: report.source, objects: report.objects, links: report.links, recovered: report.recovered, failures: report.failures.count, seconds: report.seconds };
}
