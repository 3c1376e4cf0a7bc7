/**
 * The plan a drill runs on: the same plan with its source and target
 * replaced by their sandboxes (keeping their names, so that the mapping,
 * the triggers and the messages read as they will in production), its own
 * state, backups and outbox in the drill's folder, and no email or chat:
 * a rehearsal tells nobody. Relative paths become absolute, since the drill
 * plan lives in another folder.
 */
import path from 'node:path';
import { parseDocument } from 'yaml';
import { CutoverError } from '../../core/errors.js';
import type { LoadedPlan } from '../../plan/load-plan.js';
import type { SystemConfig } from '../../plan/plan-schema.js';
import { parseSecretRef } from '../../plan/secrets.js';
import { connectorKindOf } from '../../plan/system-url.js';
import { parseSqliteUrl } from '../../connectors/sqlite/sqlite-config.js';

/** A system of the plan and the sandbox that stands in for it. */
export interface DrillSystem {
  /** Its name in the plan (and in the drill plan). */
  name: string;
  /** The sandbox's name in the plan, or null when the drill made an embedded one. */
  sandbox: string | null;
  /** The sandbox's URL as the drill plan has it (SQLite paths absolute). */
  url: string;
  /** An embedded SQLite file the drill may start afresh. */
  sqliteFile: string | null;
}

/** The drill plan's text and what stands in for what. */
export interface DrillPlan {
  yaml: string;
  source: DrillSystem;
  target: DrillSystem;
}

/** Builds the drill plan from the plan's own text. Refuses a sandbox marked production. */
export function drillPlan(loaded: LoadedPlan, text: string, drillDir: string): DrillPlan {
  const { plan } = loaded;
  const entries = Object.entries(plan.systems);
  const named = (role: 'source' | 'target'): [string, SystemConfig] => {
    const entry = entries.find(([, system]) => system.role === role);
    if (!entry) throw new CutoverError('usage', `The plan has no ${role} system to rehearse with.`, { hints: [`give one system role: ${role}`] });
    return entry;
  };
  const [sourceName] = named('source');
  const [targetName] = named('target');
  const doc = parseDocument(text);
  const stand = (name: string): DrillSystem => {
    const found = entries.find(([, other]) => other.role === 'sandbox' && other.sandboxOf === name);
    if (found && found[1].environment === 'production') {
      throw new CutoverError('usage', `The sandbox ${found[0]} of ${name} is marked production; a drill writes its sandboxes.`, { hints: [`mark it environment: sandbox, or name another sandbox with sandboxOf: ${name}`] });
    }
    const url = found ? absoluteUrl(found[1].url, loaded.dir) : `sqlite:${path.join(drillDir, 'sandboxes', `${name}.db`)}`;
    const written = (doc.getIn(['systems', name]) as { toJSON(): Record<string, unknown> }).toJSON();
    const { password: _password, ...kept } = written;
    const drill: Record<string, unknown> = { ...kept, url, environment: 'sandbox' };
    const password = found?.[1].password;
    if (password) drill['password'] = absoluteSecret(password, loaded.dir);
    doc.setIn(['systems', name], drill);
    return { name, sandbox: found?.[0] ?? null, url, sqliteFile: sqliteFileOf(url, loaded.dir) };
  };
  const drillSource = stand(sourceName);
  const drillTarget = stand(targetName);
  for (const [name, system] of entries) if (system.role === 'sandbox' || (name !== sourceName && name !== targetName)) doc.deleteIn(['systems', name]);
  doc.delete('state');
  doc.setIn(['backup', 'storage'], path.join(drillDir, 'backups'));
  const key = plan.backup?.key;
  if (key) doc.setIn(['backup', 'key'], absoluteSecret(key, loaded.dir));
  doc.deleteIn(['backup', 'retention']);
  // A rehearsal tells nobody: messages stay in the drill's outbox.
  const communications = plan.communications;
  doc.setIn(['communications', 'outbox'], path.join(drillDir, 'outbox'));
  doc.setIn(['communications', 'templates'], path.resolve(loaded.dir, communications?.templates ?? './templates'));
  doc.deleteIn(['communications', 'email']);
  doc.deleteIn(['communications', 'chat']);
  for (const name of Object.keys(communications?.audiences ?? {})) {
    doc.deleteIn(['communications', 'audiences', name, 'email']);
    doc.deleteIn(['communications', 'audiences', name, 'chat']);
  }
  return { yaml: `# The plan of a drill, made by cutover drill from ${loaded.file}.\n${doc.toString()}`, source: drillSource, target: drillTarget };
}

/** The database file of a SQLite URL (relative to `baseDir`), else null. */
function sqliteFileOf(url: string, baseDir: string): string | null {
  if (connectorKindOf(url) !== 'sqlite') return null;
  const { file } = parseSqliteUrl(url, baseDir);
  return file === ':memory:' ? null : file;
}

/** A SQLite URL relative to the plan made absolute; other URLs as they are. */
function absoluteUrl(url: string, baseDir: string): string {
  const file = sqliteFileOf(url, baseDir);
  return file ? `sqlite:${file}` : url;
}

/** A `file:` secret relative to the plan made absolute. */
function absoluteSecret(value: string, baseDir: string): string {
  const ref = parseSecretRef(value);
  return ref.kind === 'file' ? `file:${path.resolve(baseDir, ref.path)}` : value;
}
