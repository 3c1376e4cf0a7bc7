/** What `simulate` is asked to do, with defaults, checked all at once before anything is read or written. */
import { CutoverError } from '../../core/errors.js';

/** The amounts of simulated use. */
export interface SimulationSettings {
  /** Share in percent (0–100) of the target's active users who log in. Default 80. */
  activeUsers: number;
  /** New records to create, spread over the target's objects. Default 0. */
  newRecords: number;
  /** Migrated records to edit (one text or picklist field each, modified-at moving). Default 0. */
  edits: number;
  /** Share in percent (0–100) of each object's migrated records to delete. Default 0. */
  deletes: number;
  /** Share in percent (0–100) of each object's migrated records whose mapped field is damaged. Default 0. */
  corrupt: number;
  /** Days of use, from the go-live on (or up to now without one). Default 7. */
  days: number;
  /** The seed: the same seed and go-live give the same use. Default 1. */
  seed: number;
}

/** The defaults of every setting. */
export const DEFAULT_SIMULATION: Readonly<SimulationSettings> = { activeUsers: 80, newRecords: 0, edits: 0, deletes: 0, corrupt: 0, days: 7, seed: 1 };

/** The most days one run simulates (a year): the rollback windows are at most a week. */
export const MAX_DAYS = 366;

const OPTION: Record<keyof SimulationSettings, string> = {
  activeUsers: '--active-users',
  newRecords: '--new',
  edits: '--edits',
  deletes: '--deletes',
  corrupt: '--corrupt',
  days: '--days',
  seed: '--seed',
};

/** Fills in defaults and checks every value, reporting all problems in one error (exit 2). */
export function simulationSettings(input: Partial<SimulationSettings>): SimulationSettings {
  const settings: SimulationSettings = { ...DEFAULT_SIMULATION };
  for (const [key, value] of Object.entries(input) as Array<[keyof SimulationSettings, number | undefined]>) {
    if (value !== undefined) settings[key] = value;
  }
  const problems: string[] = [];
  for (const key of ['activeUsers', 'deletes', 'corrupt'] as const) {
    const value = settings[key];
    if (!Number.isFinite(value) || value < 0 || value > 100) problems.push(`${OPTION[key]} is a percentage from 0 to 100, got ${String(value)}`);
  }
  for (const key of ['newRecords', 'edits', 'seed'] as const) {
    const value = settings[key];
    if (!Number.isSafeInteger(value) || value < 0) problems.push(`${OPTION[key]} must be a whole number of 0 or more, got ${String(value)}`);
  }
  if (!Number.isSafeInteger(settings.days) || settings.days < 1 || settings.days > MAX_DAYS) {
    problems.push(`${OPTION.days} must be a whole number of days from 1 to ${MAX_DAYS}, got ${String(settings.days)}`);
  }
  if (problems.length > 0) {
    throw new CutoverError('usage', `Cannot simulate with ${problems.length === 1 ? 'this option' : 'these options'}; nothing was written.`, {
      details: problems,
      hints: ['cutover simulate --help lists every option with its default'],
    });
  }
  return settings;
}

/** The option's name on the command line, for messages. */
export function optionName(key: keyof SimulationSettings): string {
  return OPTION[key];
}
