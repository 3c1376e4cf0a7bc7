/**
 * The demo: cutover's whole story on the embedded default, from nothing.
 * A generated legacy CRM is backed up and proven by a deep verification,
 * the Salesforce-shaped target snapshotted, the migration run and
 * verified, the target taken live; a few days of use lose a share of the
 * migrated records, the watch fires, someone decides, the immediate
 * rollback runs with its messages, the source is compared with its backup,
 * and a drill rehearses the delayed procedure. Each chapter keeps its
 * figures for the story and its report.
 */
import { mustRun, type CommandRun } from '../run-commands.js';

/** One chapter of the story, with its figures. */
export interface DemoChapter {
  name: string;
  title: string;
  status: 'succeeded' | 'failed';
  seconds: number;
  /** What happened, in a sentence with figures. */
  story: string;
  /** The figures, by name, for the report. */
  figures: Record<string, string | number>;
}

/** The whole demo. */
export interface DemoStory {
  dir: string;
  records: number;
  chapters: DemoChapter[];
  seconds: number;
  ok: boolean;
  /** The drill's HTML report, when the drill ran. */
  drillReport: string | null;
}

/** Runs the demo's commands in order; stops at the first that fails. */
export async function runDemo(options: { dir: string; records: number; run: (args: string[]) => Promise<CommandRun>; onChapter?: (chapter: DemoChapter) => void }): Promise<DemoStory> {
  const started = performance.now();
  const chapters: DemoChapter[] = [];
  let drillReport: string | null = null;
  const must = mustRun(options.run);
  const chapter = async (name: string, title: string, work: () => Promise<{ story: string; figures: Record<string, string | number> }>): Promise<boolean> => {
    const t0 = performance.now();
    let result: DemoChapter;
    try {
      const told = await work();
      result = { name, title, status: 'succeeded', seconds: since(t0), ...told };
    } catch (error) {
      result = { name, title, status: 'failed', seconds: since(t0), story: error instanceof Error ? error.message : String(error), figures: {} };
    }
    chapters.push(result);
    options.onChapter?.(result);
    return result.status === 'succeeded';
  };
  const steps: Array<[string, string, () => Promise<{ story: string; figures: Record<string, string | number> }>]> = [
    [
      'init',
      'A legacy CRM to leave',
      async () => {
        const made = await must(['init', '--demo', '--dir', '.', '--records', String(options.records), '--force']);
        const systems: Array<{ name: string; objects: Array<{ records: number }> }> = made.json.systems ?? [];
        const count = (name: string) => systems.find((system) => system.name === name)?.objects.reduce((sum, object) => sum + object.records, 0) ?? 0;
        return {
          story: `Acme's in-house CRM (legacy, SQLite) holds ${count('legacy')} records; the new Salesforce-shaped CRM holds only its users and their logins (${count('salesforce')} records).`,
          figures: { legacyRecords: count('legacy'), salesforceRecords: count('salesforce') },
        };
      },
    ],
    [
      'backup',
      'Backed up, and proven by a restore',
      async () => {
        const backup = await must(['backup', 'legacy']);
        const verified = await must(['verify', backup.json.id, '--deep']);
        return {
          story: `Backup ${backup.json.id}: ${backup.json.records} records, encrypted, ${Math.round(backup.json.bytes / 1024)} KiB; the deep verification restored it into a sandbox and found it equal, record for record.`,
          figures: { backup: backup.json.id, records: backup.json.records, kib: Math.round(backup.json.bytes / 1024), backupSeconds: backup.json.seconds, verifySeconds: verified.seconds },
        };
      },
    ],
    [
      'snapshot',
      'The target snapshotted',
      async () => {
        const snapshot = await must(['snapshot', 'salesforce']);
        return { story: `Baseline ${snapshot.json.id} of salesforce, so that it can be reset.`, figures: { baseline: snapshot.json.id } };
      },
    ],
    [
      'migrate',
      'Migrated, with a ledger',
      async () => {
        const migrated = await must(['migrate', '--yes']);
        const verified = await must(['verify-migration']);
        const objects: Array<{ created: number }> = migrated.json.objects ?? [];
        const created = objects.reduce((sum, object) => sum + object.created, 0);
        return {
          story: `${created} records written into salesforce in ${migrated.json.seconds} s, every one in the ledger; verify-migration found nothing missing or corrupted.`,
          figures: { created, failed: migrated.json.failures?.count ?? 0, migrateSeconds: migrated.json.seconds, verified: verified.json.ok ? 'equal' : 'differences' },
        };
      },
    ],
    [
      'go-live',
      'Go-live',
      async () => {
        const live = await must(['go-live', '--freeze-source', '--yes']);
        return { story: `salesforce went live at ${live.json.at}; ${live.json.frozenUsers?.length ?? 0} legacy users were frozen, their states recorded.`, figures: { goLive: live.json.at, frozen: live.json.frozenUsers?.length ?? 0 } };
      },
    ],
    [
      'use',
      'Two days of use, and a loss',
      async () => {
        const used = await must(['simulate', 'salesforce', '--new', '30', '--edits', '20', '--deletes', '5', '--days', '2']);
        const totals = used.json.totals ?? {};
        return {
          story: `People logged in ${used.json.logins?.count ?? 0} times, created ${totals.created} records and edited ${totals.edited}; ${totals.deleted} migrated records were lost.`,
          figures: { logins: used.json.logins?.count ?? 0, created: totals.created, edited: totals.edited, lost: totals.deleted },
        };
      },
    ],
    [
      'watch',
      'The watch fires',
      async () => {
        const round = await must(['watch', '--once'], [0, 1]);
        const fired = (round.json.evaluations ?? []).filter((e: { status: string }) => e.status === 'fired');
        const measured = fired.map((e: { check: string; measured: string }) => `${e.check}: ${e.measured}`).join('; ');
        return { story: `Verdict ${round.json.verdict}: ${measured || 'nothing fired'}.`, figures: { verdict: round.json.verdict, fired: fired.length } };
      },
    ],
    [
      'decide',
      'Decision: roll back',
      async () => {
        const decided = await must(['decide', 'rollback', '--reason', 'migrated records were lost after go-live']);
        return { story: `Decision ${decided.json.id} by ${decided.json.user}, with the watch round as evidence; management was told.`, figures: { decision: decided.json.id } };
      },
    ],
    [
      'rollback',
      'The immediate rollback',
      async () => {
        const rolled = await must(['rollback', '--mode', 'immediate', '--yes']);
        const steps: Array<{ name: string; title: string; seconds: number; outcome?: { counts?: Record<string, number> } }> = rolled.json.steps ?? [];
        const counts = (name: string) => steps.find((step) => step.name === name)?.outcome?.counts ?? {};
        const exported = (counts('export-delta')['created'] ?? 0) + (counts('export-delta')['updated'] ?? 0) + (counts('export-delta')['deleted'] ?? 0);
        const messages = counts('communicate');
        return {
          story: `Rollback ${rolled.json.id} in ${rolled.json.seconds} s: salesforce frozen, ${exported} records entered since go-live exported, legacy restored and compared, its users re-enabled; ${messages['sent'] ?? 0} messages sent, ${messages['awaitingApproval'] ?? 0} waiting for approval.`,
          figures: { run: rolled.json.id, seconds: rolled.json.seconds, exported, ...Object.fromEntries(steps.map((step) => [`${step.name}Seconds`, step.seconds])) },
        };
      },
    ],
    [
      'compare',
      'legacy is back, exactly',
      async () => {
        const status = await must(['status']);
        const backup = status.json.goLive?.backupId ?? status.json.backup?.id;
        const diff = await must(['diff', backup, 'legacy']);
        const same = (diff.json.objects ?? []).reduce((sum: number, object: { same: number }) => sum + object.same, 0);
        return { story: `legacy equals backup ${backup}: ${same} records, none missing, none changed.`, figures: { backup, equalRecords: same } };
      },
    ],
    [
      'drill',
      'A drill of the delayed procedure',
      async () => {
        const drill = await must(['drill', '--mode', 'delayed'], [0, 1]);
        drillReport = drill.json.files?.html ?? null;
        if (drill.code !== 0) throw new Error(`the drill failed (${(drill.json.failed ?? []).join(', ')}): ${drillReport ?? ''}`);
        const verdict = drill.json.status === 'passed' ? 'passed' : `failed (${(drill.json.failed ?? []).join(', ')})`;
        return {
          story: `Rehearsed in the sandboxes: ${verdict}; the delayed rollback took ${drill.json.rollback?.seconds ?? '?'} s against an RTO of ${drill.json.rto?.objective}; ${(drill.json.checks ?? []).filter((c: { status: string }) => c.status === 'passed').length} of ${(drill.json.checks ?? []).length} checks passed.`,
          figures: { drill: drill.json.id, verdict: drill.json.status, seconds: drill.json.rollback?.seconds ?? '?', rto: drill.json.rto?.objective ?? '?' },
        };
      },
    ],
  ];
  for (const [name, title, work] of steps) if (!(await chapter(name, title, work))) break;
  return { dir: options.dir, records: options.records, chapters, seconds: since(started), ok: chapters.length === steps.length && chapters.every((c) => c.status === 'succeeded'), drillReport };
}

function since(t0: number): number {
  return Math.round(performance.now() - t0) / 1000;
}
