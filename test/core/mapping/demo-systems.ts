/**
 * The demo's two real SQLite CRMs, made exactly as `cutover init --demo`
 * makes them, opened through the plan, for the mapping's tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CrmRecord, CrmUser, SystemDescription } from '../../../src/connectors/contract.js';
import type { SqlConnector } from '../../../src/connectors/sql/sql-connector.js';
import { initDemo } from '../../../src/operations/init-project.js';
import { openSystem } from '../../../src/operations/open-system.js';
import { loadPlan, type LoadedPlan } from '../../../src/plan/load-plan.js';
import { systemFromPlan } from '../../../src/plan/systems.js';

/** The demo, open. */
export interface DemoSystems {
  dir: string;
  seed: number;
  loaded: LoadedPlan;
  legacy: SqlConnector;
  salesforce: SqlConnector;
  source: SystemDescription;
  target: SystemDescription;
  sourceUsers: CrmUser[];
  targetUsers: CrmUser[];
  cleanup(): Promise<void>;
}

/** Writes the demo into a temporary folder and opens both systems. */
export async function openDemo(records = 300, seed = 7): Promise<DemoSystems> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cutover-mapping-'));
  await initDemo(dir, { records, seed });
  const loaded = loadPlan(path.join(dir, 'cutover.yaml'));
  const legacy = await openSystem(systemFromPlan(loaded, 'legacy'));
  const salesforce = await openSystem(systemFromPlan(loaded, 'salesforce'));
  return {
    dir,
    seed,
    loaded,
    legacy,
    salesforce,
    source: await legacy.describe(),
    target: await salesforce.describe(),
    sourceUsers: await legacy.listUsers(),
    targetUsers: await salesforce.listUsers(),
    cleanup: async () => {
      await legacy.close();
      await salesforce.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every record of an object, soft-deleted ones included. */
export async function readAll(connector: SqlConnector, object: string): Promise<CrmRecord[]> {
  const records: CrmRecord[] = [];
  for await (const batch of connector.read(object)) records.push(...batch.records);
  return records;
}
