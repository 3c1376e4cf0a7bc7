/** Generates a CRM into a system, creating a SQLite file when the URL names a new one. */
import { openConnector } from '../connectors/registry.js';
import { resolveProfile } from '../connectors/sql/sql-profile.js';
import { parseSqliteUrl } from '../connectors/sqlite/sqlite-config.js';
import { generateInto, shapeFacts, type GenerateOptions, type GenerateResult } from '../generate/index.js';
import type { SystemTarget } from '../plan/systems.js';

/** What was generated, and where. */
export interface GeneratedDatabase extends GenerateResult {
  /** The database file for SQLite, else the URL without password. */
  path: string;
}

/**
 * Generates into the target with the profile of the shape (so the data's
 * meaning is known whatever the plan says), into an empty database.
 */
export async function generateDatabase(target: SystemTarget, options: GenerateOptions): Promise<GeneratedDatabase> {
  const connector = await openConnector({ ...target, profile: resolveProfile(shapeFacts(options.shape).profile) }, { create: true });
  try {
    const result = await generateInto(connector, options);
    const path = target.kind === 'sqlite' ? parseSqliteUrl(target.url, target.baseDir).file : target.displayName;
    return { ...result, path };
  } finally {
    await connector.close();
  }
}
