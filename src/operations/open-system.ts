/** Opening a system's connector, with its profile detected when nobody chose one. */
import { openConnector } from '../connectors/registry.js';
import type { SqlConnector } from '../connectors/sql/sql-connector.js';
import { detectProfile, resolveProfile } from '../connectors/sql/sql-profile.js';
import type { SystemTarget } from '../plan/systems.js';

/**
 * Opens the system. For a system named by URL without `--profile`, looks at
 * its tables and switches to the built-in profile they suggest (SuiteCRM,
 * Salesforce-shaped), so `describe sqlite:./suitecrm.db` just works.
 */
export async function openSystem(target: SystemTarget, options: { create?: boolean } = {}): Promise<SqlConnector> {
  const connector = await openConnector(target, options);
  if (target.profileChosen) return connector;
  let tables: string[];
  try {
    tables = (await connector.describe()).objects.map((object) => object.name);
  } catch {
    // An unreachable system is reported by whatever the caller does next, with its own context.
    return connector;
  }
  const detected = detectProfile(tables);
  if (detected === connector.profile.name) return connector;
  await connector.close();
  target.profile = resolveProfile(detected);
  return openConnector(target, options);
}
