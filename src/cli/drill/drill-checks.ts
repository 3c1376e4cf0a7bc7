/**
 * What a drill verifies after its rollback: the restored source equals the
 * backup the go-live recorded, record for record; the export holds every
 * change the simulated use made, mapped back to the right source ids; every
 * source user is as it was before go-live; and the plan's probes on the
 * source pass against the restored sandbox (smoke tests).
 */
import { backupSource, openBackupChain } from '../../backup/backup-chain.js';
import type { Connector } from '../../connectors/contract.js';
import { connectorSource, diffSources } from '../../diff/index.js';
import type { LoadedPlan } from '../../plan/load-plan.js';
import type { DrillCheck } from '../../report/drill-report-types.js';
import { readDeltaArchive } from '../../runbooks/rollback/export-delta-files.js';
import type { StateStore } from '../../state/index.js';
import type { CheckContext } from '../../watch/check-types.js';
import { workflowChecks } from '../../watch/checks/workflows.js';
import { currentGoLive } from '../../watch/run-watch.js';

/** Users by id: whether each can log in. */
export type UserStates = Map<string, { active: boolean; frozen: boolean }>;

/** What simulate reported of each object: the ids it created, edited and deleted. */
interface SimulatedObject {
  object: string;
  createdIds: string[];
  edits: Array<{ id: string }>;
  deletedIds: string[];
}

/** The restored source against the backup its go-live recorded. */
export async function restorationCheck(state: StateStore, target: string, secret: string, source: Connector, sourceName: string): Promise<DrillCheck> {
  const name = 'source equals its backup';
  const goLive = await state.goLives.latest(target);
  const backup = goLive?.backupId ? await state.backups.get(goLive.backupId) : undefined;
  if (!backup) return { name, kind: 'restoration', status: 'failed', detail: 'the go-live recorded no backup to compare with' };
  const chain = await openBackupChain(backup.path, secret, state);
  const diff = await diffSources(backupSource(chain, `backup ${backup.id}`), connectorSource(source, sourceName));
  const same = diff.objects.reduce((sum, object) => sum + object.same, 0);
  const differing = diff.objects.filter((object) => object.onlyInA > 0 || object.onlyInB > 0 || object.changed > 0);
  if (differing.length === 0) return { name, kind: 'restoration', status: 'passed', detail: `${sourceName} equals backup ${backup.id} record for record: ${same} records in ${diff.objects.length} objects` };
  return {
    name,
    kind: 'restoration',
    status: 'failed',
    detail: `${sourceName} differs from backup ${backup.id}: ${differing.map((object) => `${object.object} ${object.onlyInA} missing, ${object.onlyInB} extra, ${object.changed} changed`).join('; ')}`,
  };
}

/** Every record the simulated use created, edited or deleted is in the export, with the source id the migration gave it. */
export async function exportCheck(archive: string | undefined, secret: string, simulated: { objects?: SimulatedObject[] } | undefined, state: StateStore, target: string): Promise<DrillCheck> {
  const name = 'export holds every change';
  if (!archive) return { name, kind: 'export', status: 'failed', detail: 'the rollback recorded no export archive' };
  if (!simulated?.objects) return { name, kind: 'export', status: 'failed', detail: 'the simulated use reported no changes to look for' };
  const delta = await readDeltaArchive(archive, secret);
  const byTarget = new Map([...delta.objects.values()].flat().map((record) => [`${record.targetObject} ${record.targetId}`, record]));
  const sourceOf = new Map((await state.ledger.idMap(target)).map((entry) => [`${entry.object} ${entry.targetId}`, entry.sourceId]));
  const wrong: string[] = [];
  let expected = 0;
  const expect = (object: string, id: string, change: 'created' | 'updated' | 'deleted'): void => {
    expected += 1;
    const key = `${object} ${id}`;
    const record = byTarget.get(key);
    const sourceId = change === 'created' ? null : (sourceOf.get(key) ?? null);
    if (!record) wrong.push(`${key} (${change}) is missing`);
    else if (record.change !== change) wrong.push(`${key} is exported as ${record.change}, not ${change}`);
    else if (record.sourceId !== sourceId) wrong.push(`${key} maps to source id ${record.sourceId ?? 'none'}, not ${sourceId ?? 'none'}`);
  };
  for (const object of simulated.objects) {
    for (const id of object.createdIds) expect(object.object, id, 'created');
    for (const { id } of object.edits) expect(object.object, id, 'updated');
    for (const id of object.deletedIds) expect(object.object, id, 'deleted');
  }
  if (wrong.length === 0) return { name, kind: 'export', status: 'passed', detail: `all ${expected} records the use after go-live created, edited or deleted are in the export, each with its source id` };
  return { name, kind: 'export', status: 'failed', detail: `${wrong.length} of ${expected}: ${wrong.slice(0, 5).join('; ')}${wrong.length > 5 ? ' …' : ''}` };
}

/** Every user of the source can log in as before go-live, and nobody more. */
export function usersCheck(before: UserStates | undefined, after: UserStates, sourceName: string): DrillCheck {
  const name = 'source users as before go-live';
  if (!before) return { name, kind: 'users', status: 'failed', detail: 'the users before go-live were not read' };
  const changed = [...before].filter(([id, state]) => {
    const now = after.get(id);
    return !now || now.active !== state.active || now.frozen !== state.frozen;
  });
  const active = [...after.values()].filter((user) => user.active && !user.frozen).length;
  if (changed.length === 0) return { name, kind: 'users', status: 'passed', detail: `all ${before.size} users of ${sourceName} are as before go-live (${active} can log in)` };
  return { name, kind: 'users', status: 'failed', detail: `${changed.length} of ${before.size} users of ${sourceName} differ from before go-live: ${changed.slice(0, 5).map(([id]) => id).join(', ')}` };
}

/**
 * Smoke tests on the restored source: the plan's workflow probes that read
 * it; without any, that it answers and lists users who can log in.
 */
export async function smokeChecks(plan: LoadedPlan, state: StateStore, env: NodeJS.ProcessEnv, sourceName: string, source: Connector): Promise<DrillCheck[]> {
  const probes = (plan.plan.triggers?.probes ?? []).filter((probe) => probe.system === sourceName);
  if (probes.length === 0) {
    const users = await source.listUsers();
    const active = users.filter((user) => user.active && !user.frozen).length;
    return [{ name: `${sourceName} answers`, kind: 'smoke', status: active > 0 ? 'passed' : 'failed', detail: `no probe of the plan reads ${sourceName}; it answers and ${active} of ${users.length} users can log in` }];
  }
  const context: CheckContext = { now: new Date(), plan, state, goLive: await currentGoLive(plan, state), env, system: async () => source };
  const evaluations = await workflowChecks(probes, context);
  return evaluations.map((evaluation) => ({
    name: evaluation.check,
    kind: 'smoke',
    status: evaluation.status === 'ok' ? 'passed' : 'failed',
    detail: `${evaluation.status === 'ok' ? 'passes' : evaluation.status}: measured ${evaluation.measured ?? 'nothing'} against ${evaluation.threshold}${evaluation.reason ? `; ${evaluation.reason}` : ''}`,
  }));
}
