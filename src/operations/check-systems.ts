/**
 * `cutover check`: connect to every system of the plan and report what is
 * reachable, what is missing, and what each connector can do; when the plan
 * has a mapping, check it against the source's and target's descriptions.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Capabilities, CheckProblem } from '../connectors/contract.js';
import { openSystem } from './open-system.js';
import { checkMapping, mappingSystemNames, type DescribedForMapping, type MappingCheck } from './check-mapping.js';
import { checkTriggers, triggerSystemNames, type TriggersCheck } from './check-triggers.js';
import { TEMPLATES_DIR } from './init-project.js';
import { templateProblems } from '../notify/index.js';
import { parseSqliteUrl } from '../connectors/sqlite/sqlite-config.js';
import { CutoverError, isCutoverError } from '../core/errors.js';
import { checkCommunications, type CommunicationsCheck } from './check-communications.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import { redactUrl } from '../plan/secrets.js';
import { systemFromPlan } from '../plan/systems.js';

/** The check of one system. */
export interface SystemCheck {
  name: string;
  role: string;
  environment: string;
  connector: string;
  /** The URL without any password. */
  url: string;
  /** `ok`: reachable, no errors; `warning`: usable with warnings; `error`: unusable as planned; `absent`: a sandbox not created yet. */
  status: 'ok' | 'warning' | 'error' | 'absent';
  reachable: boolean;
  version?: string;
  facts: string[];
  problems: CheckProblem[];
  capabilities?: Capabilities;
  seconds: number;
}

/** The check of a whole plan. */
export interface PlanCheck {
  plan: string;
  warnings: string[];
  systems: SystemCheck[];
  /** The mapping checked against both systems; absent when the plan has none. */
  mapping?: MappingCheck;
  /** The rollback triggers checked against the plan and the systems they read. */
  triggers?: TriggersCheck;
  /** The message templates beside the plan (`templates/*.md`): every unknown variable, filter or syntax error, by template. */
  templates?: { checked: number; problems: string[] };
  /** The communications: audiences, routes, channels, and what would stop a message (a missing template, an unreadable secret). */
  communications?: CommunicationsCheck;
  /** No system has an error, and the mapping (if any) has none. */
  ok: boolean;
}

/** Checks every system of the plan, one after another (their order in the plan). */
export async function checkSystems(loaded: LoadedPlan, options: { env?: NodeJS.ProcessEnv } = {}): Promise<PlanCheck> {
  const systems: SystemCheck[] = [];
  const names = mappingSystemNames(loaded);
  const triggerSystems = triggerSystemNames(loaded);
  const described: Record<string, DescribedForMapping> = {};
  for (const name of Object.keys(loaded.plan.systems)) {
    const wanted = (names !== undefined && (name === names.source || name === names.target)) || triggerSystems.includes(name);
    systems.push(await checkSystem(loaded, name, options.env ?? process.env, wanted ? (described[name] = {}) : undefined));
  }
  const result: PlanCheck = { plan: loaded.file, warnings: loaded.warnings, systems, ok: systems.every((system) => system.status !== 'error') };
  const mapping = checkMapping(loaded, described);
  if (mapping) {
    result.mapping = mapping;
    if (mapping.status === 'error') result.ok = false;
  }
  const triggers = checkTriggers(loaded, described);
  if (triggers) {
    result.triggers = triggers;
    if (triggers.status === 'error') result.ok = false;
  }
  const templates = checkTemplates(path.resolve(loaded.dir, loaded.plan.communications?.templates ?? TEMPLATES_DIR));
  if (templates) {
    result.templates = templates;
    if (templates.problems.length > 0) result.ok = false;
  }
  result.communications = checkCommunications(loaded, options.env ?? process.env);
  if (result.communications.problems.length > 0) result.ok = false;
  return result;
}

/** Checks every template in the folder without rendering it: a template with an unknown variable fails here, not during a rollback. */
function checkTemplates(folder: string): { checked: number; problems: string[] } | undefined {
  if (!existsSync(folder)) return undefined;
  const files = readdirSync(folder).filter((name) => name.endsWith('.md')).sort();
  return { checked: files.length, problems: files.flatMap((name) => templateProblems(readFileSync(path.join(folder, name), 'utf8'), name.replace(/\.md$/, ''))) };
}

/** Describes a mapping system and lists its users (when it has a users object) into `into`. */
async function describeForMapping(connector: Awaited<ReturnType<typeof openSystem>>, into: DescribedForMapping): Promise<void> {
  try {
    into.description = await connector.describe();
  } catch (error) {
    into.failure = String((error as Error)?.message ?? error);
    return;
  }
  if (!into.description.usersObject) return;
  try {
    into.users = await connector.listUsers();
  } catch {
    // Users that cannot be listed are reported by the system's own check; the mapping is checked without them.
  }
}

async function checkSystem(loaded: LoadedPlan, name: string, env: NodeJS.ProcessEnv, describeInto?: DescribedForMapping): Promise<SystemCheck> {
  const started = performance.now();
  const config = loaded.plan.systems[name]!;
  const result: SystemCheck = {
    name,
    role: config.role,
    environment: config.environment ?? 'production',
    connector: '',
    url: redactUrl(config.url),
    status: 'ok',
    reachable: false,
    facts: [],
    problems: [],
    seconds: 0,
  };
  const finish = (): SystemCheck => {
    result.seconds = Number(((performance.now() - started) / 1000).toFixed(3));
    const errors = result.problems.some((problem) => problem.severity === 'error');
    if (result.status !== 'absent') result.status = errors ? 'error' : result.problems.length > 0 ? 'warning' : 'ok';
    return result;
  };
  try {
    const target = systemFromPlan(loaded, name, env);
    result.connector = target.kind;
    if (target.kind === 'sqlite' && config.role === 'sandbox') {
      const { file } = parseSqliteUrl(target.url, target.baseDir);
      if (file !== ':memory:' && !existsSync(file)) {
        result.status = 'absent';
        result.facts.push('not created yet: a test restore or a drill creates it');
        return finish();
      }
    }
    const connector = await openSystem(target);
    try {
      const report = await connector.check({ write: true });
      result.reachable = report.reachable;
      if (report.version) result.version = report.version;
      result.facts = report.facts;
      result.capabilities = connector.capabilities;
      // The source is only written when a rollback restores it: missing write rights are worth knowing, not fatal now.
      result.problems = report.problems.map((problem) =>
        config.role === 'source' && problem.topic === 'permission'
          ? { ...problem, severity: 'warning', message: `${problem.message} (needed to restore it in a rollback)` }
          : problem,
      );
      if (describeInto) {
        if (report.reachable) await describeForMapping(connector, describeInto);
        else describeInto.failure = 'not reachable';
      }
    } finally {
      await connector.close();
    }
  } catch (error) {
    const wrapped = isCutoverError(error) ? error : new CutoverError('internal', String((error as Error)?.message ?? error), { cause: error });
    const problem: CheckProblem = { severity: 'error', topic: 'connection', message: wrapped.message };
    if (wrapped.hints[0]) problem.hint = wrapped.hints[0];
    result.problems.push(problem);
    if (describeInto) describeInto.failure = wrapped.message;
  }
  return finish();
}

/** The capabilities as short words, for one line of output. */
export function capabilityWords(capabilities: Capabilities): string[] {
  const words: string[] = [];
  if (capabilities.supportsTransactions) words.push('transactions');
  if (capabilities.assignsIds) words.push('assigns ids');
  if (capabilities.acceptsIds) words.push('keeps given ids');
  words.push(`batches of ${capabilities.maxBatchSize}`);
  if (capabilities.partialBatchFailures) words.push('per-record failures');
  if (capabilities.deletes.length > 0) words.push(`${capabilities.deletes.join('/')} delete`);
  if (capabilities.incrementalRead) words.push('incremental read');
  if (capabilities.canFreezeUsers) words.push('freeze users');
  if (capabilities.userActivity) words.push('user activity');
  if (capabilities.configurationExport) words.push('configuration export');
  if (capabilities.canCreateObjects) words.push('create objects');
  if (capabilities.rateLimit) words.push('rate limited');
  return words;
}
