/**
 * Naming systems: by their name in the plan, or directly by URL
 * (`sqlite:./legacy.db`, `postgres://…`, `mysql://…`).
 */
import { existsSync } from 'node:fs';
import { CutoverError } from '../core/errors.js';
import { parseSqliteUrl } from '../connectors/sqlite/sqlite-config.js';
import type { ConnectorTarget } from '../connectors/registry.js';
import { resolveProfile, type BuiltInProfileName } from '../connectors/sql/sql-profile.js';
import type { LoadedPlan } from './load-plan.js';
import type { Role } from './plan-schema.js';
import { redactUrl, resolveSecret } from './secrets.js';
import { connectorKindOf, looksLikeUrl } from './system-url.js';

/** A system ready to open, with what the plan says about it. */
export interface SystemTarget extends ConnectorTarget {
  /** Name in the plan, or the redacted URL for a system named by URL. */
  name: string;
  role: Role | undefined;
  environment: 'production' | 'sandbox';
  /** The system was named in the plan (not by a URL on the command line). */
  inPlan: boolean;
  /** The profile was chosen (by the plan or --profile), not defaulted: no detection. */
  profileChosen: boolean;
}

/** A system of the plan, by name; secrets resolved. */
export function systemFromPlan(loaded: LoadedPlan, name: string, env: NodeJS.ProcessEnv = process.env): SystemTarget {
  const system = loaded.plan.systems[name];
  if (!system) {
    const names = Object.keys(loaded.plan.systems);
    throw new CutoverError('system.unknown', `The plan has no system "${name}".`, {
      hints: [names.length > 0 ? `systems in ${loaded.file}: ${names.join(', ')}` : 'add one under `systems:` in the plan', 'or name a system by URL, e.g. sqlite:./crm.db'],
    });
  }
  // A sandbox has the schema of the system it stands in for, so it shares its profile unless it names one.
  const profile = system.profile ?? (system.sandboxOf ? loaded.plan.systems[system.sandboxOf]?.profile : undefined);
  const target: SystemTarget = {
    name,
    kind: connectorKindOf(system.url),
    url: system.url,
    profile: resolveProfile(profile),
    baseDir: loaded.dir,
    displayName: name,
    role: system.role,
    environment: system.environment ?? (system.role === 'sandbox' ? 'sandbox' : 'production'),
    inPlan: true,
    profileChosen: true,
  };
  if (system.password) target.password = resolveSecret(system.password, `systems.${name}.password`, loaded.dir, env);
  return target;
}

/**
 * A system named by URL on the command line; relative SQLite paths start at
 * `cwd`. Nothing says what it is, so it is treated as production, except a
 * SQLite file that does not exist yet: that one is being made, a sandbox.
 */
export function systemFromUrl(url: string, options: { cwd: string; profile?: BuiltInProfileName }): SystemTarget {
  const redacted = redactUrl(url);
  const kind = connectorKindOf(url);
  const newFile = kind === 'sqlite' && ((file) => file !== ':memory:' && !existsSync(file))(parseSqliteUrl(url, options.cwd).file);
  return {
    name: redacted,
    kind,
    url,
    profile: resolveProfile(options.profile ?? 'generic'),
    baseDir: options.cwd,
    displayName: redacted,
    role: undefined,
    environment: newFile ? 'sandbox' : 'production',
    inPlan: false,
    profileChosen: options.profile !== undefined,
  };
}

/** Resolves a command-line system argument: a plan name first, then a URL. */
export function resolveSystem(
  argument: string,
  options: { plan: LoadedPlan | undefined; cwd: string; profile?: BuiltInProfileName; env?: NodeJS.ProcessEnv },
): SystemTarget {
  if (options.plan && argument in options.plan.plan.systems) {
    const target = systemFromPlan(options.plan, argument, options.env);
    if (options.profile) target.profile = resolveProfile(options.profile);
    return target;
  }
  if (looksLikeUrl(argument)) return systemFromUrl(argument, { cwd: options.cwd, ...(options.profile ? { profile: options.profile } : {}) });
  const names = options.plan ? Object.keys(options.plan.plan.systems) : [];
  throw new CutoverError('system.unknown', `"${argument}" is neither a system of the plan nor a URL.`, {
    hints: [
      options.plan ? `systems in ${options.plan.file}: ${names.join(', ') || '(none)'}` : 'no plan was found; pass --plan PATH or name the system by URL',
      'URLs look like sqlite:./crm.db, postgres://user@host:5432/db, mysql://user@host:3306/db',
    ],
  });
}
