/**
 * Logins of the simulated days: a share of the target's active users each
 * log in on some of the days (every one of them at least once), one to three
 * times a day at working hours, written as records of the activity object.
 */
import type { ActivityDescription, CrmRecord, CrmUser, FieldDescription, ObjectDescription } from '../../connectors/contract.js';
import { CutoverError } from '../../core/errors.js';
import type { Value } from '../../core/values.js';
import { compareIds } from '../../diff/index.js';
import { idValue, momentValue, personaOf } from './field-values.js';
import { percentOf, shuffledIds, streamOf } from './picking.js';
import { buildRecord, type BuildContext } from './record-builder.js';
import { workingMoment, type Session, type SimulationWindow } from './window.js';

/** One login to write. */
export interface PlannedLogin extends Session {
  values: Record<string, Value>;
}

/** The logins of a simulation. */
export interface LoginPlan {
  /** The activity object written, when there is one. */
  object: string | null;
  /** Users who can log in (active, not frozen). */
  activeUsers: number;
  /** Those who log in, by id. */
  users: string[];
  logins: PlannedLogin[];
}

/** What planning the logins needs. */
export interface LoginInput {
  activity: ActivityDescription;
  object: ObjectDescription;
  users: CrmUser[];
  /** Existing records of the activity object, as templates (a login looks like the logins before it). */
  templates: CrmRecord[];
  percent: number;
  window: SimulationWindow;
  base: number;
  context: Omit<BuildContext, 'rng' | 'at' | 'userId' | 'persona'>;
}

/** Plans the logins. */
export function planLogins(input: LoginInput): LoginPlan {
  const { activity, object, window, base } = input;
  const active = input.users.filter((user) => user.active && !user.frozen).map((user) => user.id);
  const chosen = shuffledIds(active, base, 'login-users').slice(0, percentOf(active.length, input.percent)).sort(compareIds);
  const templates = loginTemplates(activity, input.templates);
  const logins: PlannedLogin[] = [];
  for (const userId of chosen) {
    const rng = streamOf(base, 'logins', userId);
    // How often this person works in the new CRM: some every day, some now and then.
    const propensity = 0.35 + 0.6 * rng.next();
    const days = Array.from({ length: window.days }, (_, day) => day).filter(() => rng.chance(propensity));
    if (days.length === 0) days.push(rng.int(window.days));
    const own = templates.filter((template) => String(template.values[activity.user]) === userId);
    for (const day of days) {
      const times = rng.weighted([[1, 6], [2, 3], [3, 1]] as const);
      for (let i = 0; i < times; i += 1) {
        const at = workingMoment(window, day, rng);
        const template = own.length > 0 ? rng.pick(own) : templates.length > 0 ? rng.pick(templates) : undefined;
        const built = buildRecord(object, template, { ...input.context, rng, at, userId, persona: personaOf(rng) });
        if (!built.ok) {
          throw new CutoverError('schema.unsupported', `Cannot write a login into ${object.name}: ${built.reason}.`, {
            hints: ['simulate without logins: --active-users 0'],
          });
        }
        const values = built.values;
        // Fields of the template that named its user (SuiteCRM's tracker item of a login) name this one.
        const templateUser = template?.values[activity.user];
        if (template && templateUser !== null && templateUser !== undefined) {
          for (const field of object.fields) {
            if (field.name !== object.idField && template.values[field.name] === templateUser) values[field.name] = idValue(userId, field);
          }
        }
        values[activity.user] = idValue(userId, fieldOf(object, activity.user));
        values[activity.at] = momentValue(fieldOf(object, activity.at), at);
        if (activity.login) values[activity.login.field] = activity.login.values[0] ?? null;
        logins.push({ userId, at, values });
      }
    }
  }
  logins.sort((a, b) => a.at - b.at || compareIds(a.userId, b.userId));
  return { object: object.name, activeUsers: active.length, users: chosen, logins };
}

/**
 * Existing logins to copy from: of the login kind, and when most of them
 * share one detail (Salesforce's `Status: Success`), those: successful
 * logins, not failed attempts.
 */
function loginTemplates(activity: ActivityDescription, records: CrmRecord[]): CrmRecord[] {
  const logins = activity.login
    ? records.filter((record) => activity.login?.values.includes(String(record.values[activity.login.field])))
    : records;
  if (!activity.detail) return logins;
  const detail = activity.detail;
  const counts = new Map<string, number>();
  for (const record of logins) {
    const value = String(record.values[detail] ?? '');
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  const [common, times] = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0] ?? ['', 0];
  return times * 2 > logins.length ? logins.filter((record) => String(record.values[detail] ?? '') === common) : logins;
}

function fieldOf(object: ObjectDescription, name: string): FieldDescription {
  const field = object.fields.find((candidate) => candidate.name === name);
  if (!field) throw new CutoverError('schema.field_missing', `${object.name} has no field "${name}" (the profile's activity rule names it).`);
  return field;
}
