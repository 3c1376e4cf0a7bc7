/** `cutover describe`: a system's objects, fields, counts, users and configuration. */
import type { ConfigurationArtifact, CrmUser, SystemDescription } from '../connectors/contract.js';
import { openSystem } from './open-system.js';
import { redactUrl } from '../plan/secrets.js';
import type { SystemTarget } from '../plan/systems.js';

/** Everything `describe` shows. */
export interface SystemReport {
  system: string;
  url: string;
  role: string | null;
  environment: string;
  profile: string;
  description: SystemDescription;
  users: CrmUser[];
  configuration: ConfigurationArtifact[];
  /** When it was measured (ISO). */
  measuredAt: string;
  seconds: number;
}

/** Describes a system, counting records. */
export async function describeSystem(target: SystemTarget, options: { signal?: AbortSignal } = {}): Promise<SystemReport> {
  const started = performance.now();
  const measuredAt = new Date().toISOString();
  const connector = await openSystem(target);
  try {
    const description = await connector.describe({ counts: true, ...(options.signal ? { signal: options.signal } : {}) });
    const users = description.usersObject ? await connector.listUsers() : [];
    const configuration = connector.capabilities.configurationExport ? await connector.exportConfiguration(options) : [];
    return {
      system: target.name,
      url: redactUrl(target.url),
      role: target.role ?? null,
      environment: target.environment,
      profile: target.profile.name,
      description,
      users,
      configuration,
      measuredAt,
      seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
    };
  } finally {
    await connector.close();
  }
}
