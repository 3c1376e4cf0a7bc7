/**
 * The delayed rollback's assessment: what people entered in the new CRM
 * since go-live, read from the export — creations, edits and deletions per
 * object, per user and per day, and how much maps back to the source cleanly
 * — as a Markdown report for people and the same as JSON.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CutoverError } from '../../core/errors.js';
import type { RunbookStep } from '../engine/runbook.js';
import { readDeltaArchive } from './export-delta-files.js';
import type { DeltaRecord } from './export-delta-types.js';
import type { RollbackContext } from './rollback-context.js';

interface Tally {
  created: number;
  updated: number;
  deleted: number;
  /** Records with a field that does not map back exactly. */
  lossy: number;
}

/** The assessment's facts. */
export interface Assessment {
  goLive: string;
  totals: Tally & { records: number; clean: number };
  objects: Array<{ source: string; target: string } & Tally>;
  users: Array<{ user: string } & Tally>;
  days: Array<{ day: string } & Tally>;
}

export const assessStep: RunbookStep<RollbackContext> = {
  name: 'assess',
  title: 'Assess the data entered since go-live',
  async plan(context, earlier) {
    const exported = earlier.get('export-delta');
    return {
      summary: exported ? `assess ${exported.counts.created ?? 0} created, ${exported.counts.updated ?? 0} changed and ${exported.counts.deleted ?? 0} deleted record(s)` : 'assess the export of the step before',
      counts: { ...(exported?.counts ?? {}) },
    };
  },
  async apply(context, _plan, handle) {
    const archive = handle.earlier.get('export-delta')?.data?.archive;
    if (typeof archive !== 'string') throw new CutoverError('internal', 'The assessment found no export to read.');
    const delta = await readDeltaArchive(archive, context.secret);
    const assessment = assess([...delta.objects.values()].flat(), context.goLive.at);
    const json = path.join(context.runDir, 'assessment.json');
    const markdown = path.join(context.runDir, 'assessment.md');
    writeFileSync(json, `${JSON.stringify(assessment, null, 2)}\n`);
    writeFileSync(markdown, assessmentDocument(assessment, context));
    const { records, clean } = assessment.totals;
    return {
      summary: `${records} record(s) entered since go-live, ${clean} mapping back cleanly, by ${assessment.users.length} user(s) over ${assessment.days.length} day(s): ${markdown}`,
      counts: { records, clean, lossy: assessment.totals.lossy, users: assessment.users.length, days: assessment.days.length },
      data: { json, markdown },
    };
  },
};

/** Tallies delta records per object, user and day. Pure. */
export function assess(records: readonly DeltaRecord[], goLive: string): Assessment {
  const empty = (): Tally => ({ created: 0, updated: 0, deleted: 0, lossy: 0 });
  const objects = new Map<string, { source: string; target: string } & Tally>();
  const users = new Map<string, { user: string } & Tally>();
  const days = new Map<string, { day: string } & Tally>();
  const totals = { ...empty(), records: 0, clean: 0 };
  const count = (tally: Tally, record: DeltaRecord, lossy: boolean): void => {
    tally[record.change] += 1;
    if (lossy) tally.lossy += 1;
  };
  for (const record of records) {
    const lossy = record.lossy.length > 0 || (record.targetOnly?.length ?? 0) > 0;
    const objectKey = `${record.sourceObject}\u0000${record.targetObject}`;
    if (!objects.has(objectKey)) objects.set(objectKey, { source: record.sourceObject, target: record.targetObject, ...empty() });
    const user = record.by?.email ?? record.by?.name ?? record.by?.id ?? '(unknown)';
    if (!users.has(user)) users.set(user, { user, ...empty() });
    const day = record.at ? record.at.slice(0, 10) : '(unknown)';
    if (!days.has(day)) days.set(day, { day, ...empty() });
    for (const tally of [objects.get(objectKey)!, users.get(user)!, days.get(day)!, totals]) count(tally, record, lossy);
    totals.records += 1;
    if (!lossy) totals.clean += 1;
  }
  const busiest = <T extends Tally>(list: T[]): T[] => list.sort((a, b) => b.created + b.updated + b.deleted - (a.created + a.updated + a.deleted));
  return {
    goLive,
    totals,
    objects: [...objects.values()],
    users: busiest([...users.values()]),
    days: [...days.values()].sort((a, b) => a.day.localeCompare(b.day)),
  };
}

function assessmentDocument(assessment: Assessment, context: RollbackContext): string {
  const row = (cells: Array<string | number>): string => `| ${cells.join(' | ')} |`;
  const tallyRows = <T extends Tally>(list: T[], label: (item: T) => string): string[] => list.map((item) => row([label(item), item.created, item.updated, item.deleted, item.lossy]));
  const header = (first: string): string[] => [row([first, 'created', 'changed', 'deleted', 'not mapping back exactly']), row(['---', '---', '---', '---', '---'])];
  const { totals } = assessment;
  return [
    `# What was entered in ${context.target.name} since go-live`,
    '',
    `Go-live: ${assessment.goLive}. ${totals.records} record(s): ${totals.created} created, ${totals.updated} changed, ${totals.deleted} deleted; ${totals.clean} map back to ${context.source.name} cleanly, ${totals.lossy} need a look (see the export's CSV files, column lossy).`,
    '',
    '## Per object',
    '',
    ...header('object'),
    ...tallyRows(assessment.objects, (item) => `${item.source} ← ${item.target}`),
    '',
    '## Per user',
    '',
    ...header('user'),
    ...tallyRows(assessment.users, (item) => item.user),
    '',
    '## Per day',
    '',
    ...header('day'),
    ...tallyRows(assessment.days, (item) => item.day),
    '',
  ].join('\n');
}
