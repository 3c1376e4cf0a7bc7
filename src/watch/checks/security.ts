/**
 * Security and compliance: users with admin rights in the new CRM who had
 * them neither in the source nor in the target's baseline snapshot, and the
 * findings people recorded (`cutover finding add`) that are still open.
 */
import { backupSecret } from '../../backup/backup-key.js';
import { openBackupChain } from '../../backup/backup-chain.js';
import type { CrmUser } from '../../connectors/contract.js';
import { CutoverError } from '../../core/errors.js';
import { migrationSystems } from '../../operations/migration-setup.js';
import type { SecurityConfig } from '../../plan/triggers-schema.js';
import { backupMigrationSource } from '../../runbooks/migrate/migration-source.js';
import { type CheckContext, type Evaluation, unknownEvaluation } from '../check-types.js';

export async function securityChecks(config: SecurityConfig, context: CheckContext): Promise<Evaluation[]> {
  const evaluations: Evaluation[] = [];
  if (config.newAdmins) evaluations.push(await newAdminsCheck(config, context));
  evaluations.push(await findingsCheck(config, context));
  return evaluations;
}

async function newAdminsCheck(config: SecurityConfig, context: CheckContext): Promise<Evaluation> {
  const started = { at: context.now.toISOString(), t0: performance.now() };
  const base = { check: 'security.admins', kind: 'security' as const, severity: config.severity, threshold: 'no admin who was not one in the source or at the baseline' };
  try {
    const systems = migrationSystems(context.plan, context.env);
    const targetUsers = await (await context.system(systems.target.name)).listUsers();
    if (targetUsers.some((user) => user.isAdmin === null)) {
      throw new CutoverError('capability.missing', `${systems.target.name} does not tell which users are admins.`, { hints: ['name the admin column in the profile: systems.<name>.profile.users.admin'] });
    }
    const sourceUsers = await (await context.system(systems.source.name)).listUsers();
    const baselineUsers = await baselineUsersOf(context, systems.target.name);
    const wasAdmin = admins(sourceUsers, baselineUsers);
    const newAdmins = targetUsers.filter((user) => user.isAdmin && user.active && !wasAdmin(user));
    return {
      ...base,
      status: newAdmins.length > 0 ? 'fired' : 'ok',
      measured: `${newAdmins.length} new admin(s)`,
      ...(newAdmins.length > 0 ? { reason: `admin rights in ${systems.target.name} that nobody had before: ${newAdmins.map(label).join(', ')}` } : {}),
      evidence: {
        admins: targetUsers.filter((user) => user.isAdmin && user.active).length,
        newAdmins: newAdmins.map((user) => ({ id: user.id, user: label(user), role: user.role })),
      },
      at: started.at,
      seconds: Math.round(performance.now() - started.t0) / 1000,
    };
  } catch (error) {
    return unknownEvaluation(base, started, error);
  }
}

async function findingsCheck(config: SecurityConfig, context: CheckContext): Promise<Evaluation> {
  const started = { at: context.now.toISOString(), t0: performance.now() };
  const counted = config.findings ?? 'critical';
  const base = { check: 'security.findings', kind: 'security' as const, severity: config.severity, threshold: `no open ${counted === 'critical' ? 'critical ' : ''}finding` };
  try {
    const open = (await context.state.findings.list(context.goLive.system, { open: true })).filter((finding) => counted === 'warning' || finding.severity === 'critical');
    const critical = open.some((finding) => finding.severity === 'critical');
    return {
      ...base,
      // A warning finding counted here fires as a warning; a critical one as critical.
      severity: open.length === 0 ? config.severity : critical ? 'critical' : 'warning',
      status: open.length > 0 ? 'fired' : 'ok',
      measured: `${open.length} open finding(s)`,
      ...(open.length > 0 ? { reason: open.map((finding) => `${finding.severity}: ${finding.text}`).join('; ') } : {}),
      evidence: { findings: open.map((finding) => ({ id: finding.id, severity: finding.severity, text: finding.text, by: finding.user, at: finding.at })) },
      at: started.at,
      seconds: Math.round(performance.now() - started.t0) / 1000,
    };
  } catch (error) {
    return unknownEvaluation(base, started, error);
  }
}

/** The users of the target's baseline snapshot, read from the snapshot itself. */
async function baselineUsersOf(context: CheckContext, target: string): Promise<CrmUser[]> {
  const baseline = await context.state.baselines.get(target);
  const row = baseline ? await context.state.backups.get(baseline.backupId) : undefined;
  if (!row) return [];
  const secret = backupSecret({ plan: context.plan, cwd: context.plan.dir, env: context.env });
  return (await backupMigrationSource(await openBackupChain(row.path, secret, context.state))).users;
}

/** Whether a target user had admin rights before: as the same person in the source (by email, else username), or in the target's baseline. */
function admins(source: CrmUser[], baseline: CrmUser[]): (user: CrmUser) => boolean {
  const keys = new Set<string>();
  for (const user of [...source, ...baseline]) {
    if (!user.isAdmin) continue;
    for (const key of keysOf(user)) keys.add(key);
  }
  const baselineIds = new Set(baseline.filter((user) => user.isAdmin).map((user) => user.id));
  return (user) => baselineIds.has(user.id) || keysOf(user).some((key) => keys.has(key));
}

function keysOf(user: CrmUser): string[] {
  return [user.email ? `email:${user.email.trim().toLowerCase()}` : undefined, user.username ? `user:${user.username.trim().toLowerCase()}` : undefined].filter((key): key is string => key !== undefined);
}

function label(user: CrmUser): string {
  return user.username ?? user.email ?? user.id;
}
