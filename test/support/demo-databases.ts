/**
 * The demo plan on real databases, for flow tests: a generated legacy CRM
 * as the source and an empty Salesforce-shaped CRM as the target, each in a
 * fresh database of the kind asked for, and the demo plan (with its mapping
 * and triggers) pointing at them.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument, type Document } from 'yaml';
import { openConnector } from '../../src/connectors/registry.js';
import { resolveProfile } from '../../src/connectors/sql/sql-profile.js';
import { generateInto, shapeFacts } from '../../src/generate/index.js';
import { demoPlan } from '../../src/operations/plan-templates.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './databases.js';

export { runCli, TEST_KEY } from './cli-run.js';

/**
 * Creates the two databases, fills the source, and writes `dir/cutover.yaml`
 * (the demo plan on them; `edit` may change it first). Returns the
 * databases, source first, for the caller to drop.
 */
export async function demoOnDatabases(
  dir: string,
  kinds: { source: DatabaseKind; target: DatabaseKind },
  options: { records: number; seed: number; edit?: (plan: Document) => Promise<void> | void },
): Promise<[TestDatabase, TestDatabase]> {
  const source = await createTestDatabase(kinds.source);
  const target = await createTestDatabase(kinds.target);
  for (const [db, shape, records] of [
    [source, 'legacy', options.records],
    [target, 'salesforce', 0],
  ] as const) {
    const connector = await openConnector({ kind: db.kind, url: db.url, profile: resolveProfile(shapeFacts(shape).profile), baseDir: dir, displayName: shape }, { create: true });
    await generateInto(connector, { shape, records, seed: options.seed, asOf: new Date('2026-06-30T00:00:00Z') });
    await connector.close();
  }
  const plan = parseDocument(demoPlan({ records: options.records, seed: options.seed }));
  plan.setIn(['systems', 'legacy', 'url'], source.url);
  plan.setIn(['systems', 'salesforce', 'url'], target.url);
  plan.setIn(['backup', 'key'], 'env:CUTOVER_KEY');
  await options.edit?.(plan);
  writeFileSync(path.join(dir, 'cutover.yaml'), plan.toString());
  return [source, target];
}
