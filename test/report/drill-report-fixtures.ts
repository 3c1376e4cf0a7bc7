/**
 * Two whole drill reports as `cutover drill` writes them: an immediate
 * rollback that passed, and a delayed one whose restore failed, with a
 * failed check and summaries holding markup, `&`, quotes and `|` (which the
 * reports must show as text).
 */
import type { DrillCheck, DrillPhase, DrillReport, DrillRollbackStep } from '../../src/report/index.js';

const STARTED = Date.parse('2025-03-14T09:00:00.000Z');

/** Phases one after another from the drill's start, 0.05 s apart, as the drill runs them. */
function phases(rows: Array<[name: string, title: string, seconds: number, summary: string, status?: DrillPhase['status']]>): DrillPhase[] {
  let at = STARTED;
  return rows.map(([name, title, seconds, summary, status = 'succeeded']) => {
    const phase: DrillPhase = { name, title, status, startedAt: new Date(at).toISOString(), seconds, summary };
    at += (seconds + 0.05) * 1000;
    return phase;
  });
}

const passingPhases = phases([
  ['sandboxes', 'Build the sandboxes', 3.21, 'legacy from backup bk-20250314 (1 200 records) into sandbox-legacy, crm from its baseline bl-7 into sandbox-crm (3 s)'],
  ['backup', 'Back up and verify the sandbox source', 1.48, 'backup bk-20250314-0900: 1200 records, verified'],
  ['snapshot', 'Snapshot the sandbox target', 0.62, 'baseline bl-8'],
  ['migrate', 'Migrate', 6.95, 'run mig-1: 1200 created, 0 updated, 0 failed'],
  ['go-live', 'Go live', 0.84, 'go-live gl-1; 12 user(s) of legacy frozen'],
  ['simulate', 'Simulate use after go-live', 1.1, '14 logins, 20 created, 10 edited, 24 deleted over 1 day(s)'],
  ['watch', 'Watch the triggers', 0.4, 'rollback: error-rate fired'],
  ['decide', 'Decide to roll back', 0.2, 'decision dec-1'],
  ['rollback', 'Roll back (immediate)', 5.3, 'run rb-1: every step succeeded in 4.82 s'],
]);

const passingSteps: DrillRollbackStep[] = [
  { name: 'freeze-target', title: 'Freeze the new CRM', status: 'succeeded', seconds: 0.31, summary: 'froze 12 users of crm' },
  { name: 'export-delta', title: 'Export what was entered in the new CRM', status: 'succeeded', seconds: 1.12, records: 54, summary: 'exported 20 created, 10 changed and 24 deleted record(s) to /srv/drills/drill-1/exports/crm-delta.cutover (archive verified, 3 CSV file(s))' },
  { name: 'restore-source', title: 'Restore the source CRM', status: 'succeeded', seconds: 2.87, records: 1200, summary: 'restored legacy from backup bk-20250314: 0 re-created, 0 put back, 0 pruned; equal to the backup' },
  { name: 'reenable-source', title: 'Re-enable the source CRM', status: 'succeeded', seconds: 0.27, summary: 're-enabled 12 users of legacy' },
  { name: 'communicate', title: 'Communicate the rollback', status: 'succeeded', seconds: 0.25, summary: '2 messages to the outbox' },
];

const passingChecks: DrillCheck[] = [
  { name: 'restoration', kind: 'restoration', status: 'passed', detail: 'legacy equals backup bk-20250314 record for record: 1200 records in 3 objects' },
  { name: 'export', kind: 'export', status: 'passed', detail: 'all 54 records the use after go-live created, edited or deleted are in the export, each with its source id' },
  { name: 'users', kind: 'users', status: 'passed', detail: 'all 12 users of legacy are as before go-live (11 can log in)' },
  { name: 'legacy-health', kind: 'smoke', status: 'passed', detail: 'passes: measured 200 against 200' },
];

/** An immediate rollback that passed: 4.82 s against an RTO of 4h, estimated 125.4 s in production. */
export const PASSING: DrillReport = {
  id: 'drill-20250314-090000-a1b2',
  mode: 'immediate',
  project: 'Acme CRM move',
  startedAt: new Date(STARTED).toISOString(),
  finishedAt: new Date(STARTED + 24_600).toISOString(),
  seconds: 24.6,
  status: 'passed',
  failed: [],
  sandboxes: {
    source: { name: 'sandbox-legacy', stands_in_for: 'legacy', url: 'postgres://drill:hunter2@127.0.0.1:5432/legacy_sandbox' },
    target: { name: 'crm (embedded)', stands_in_for: 'crm', url: 'sqlite:/srv/drills/drill-1/sandboxes/crm.db' },
  },
  simulated: { created: 20, edited: 10, deleted: 24, logins: 14, days: 1 },
  phases: passingPhases,
  rollback: { runId: 'rb-1', status: 'succeeded', seconds: 4.82, steps: passingSteps },
  checks: passingChecks,
  rto: { objective: '4h', objectiveSeconds: 14_400, actualSeconds: 4.82, verdict: 'pass', marginSeconds: 14_395.18 },
  estimate: {
    seconds: 125.4,
    verdict: 'pass',
    marginSeconds: 14_274.6,
    steps: [
      { name: 'freeze-target', title: 'Freeze the new CRM', drillRecords: 0, drillSeconds: 0.31, recordsPerSecond: null, productionRecords: 0, seconds: 0.31 },
      { name: 'export-delta', title: 'Export what was entered in the new CRM', drillRecords: 54, drillSeconds: 1.12, recordsPerSecond: 48, productionRecords: 2160, seconds: 44.8 },
      { name: 'restore-source', title: 'Restore the source CRM', drillRecords: 1200, drillSeconds: 2.87, recordsPerSecond: 418, productionRecords: 48_000, seconds: 79.77, limit: 'HubSpot: 250 000 requests a day' },
      { name: 'reenable-source', title: 'Re-enable the source CRM', drillRecords: 0, drillSeconds: 0.27, recordsPerSecond: null, productionRecords: 0, seconds: 0.27 },
      { name: 'communicate', title: 'Communicate the rollback', drillRecords: 0, drillSeconds: 0.25, recordsPerSecond: null, productionRecords: 0, seconds: 0.25 },
    ],
    assumptions: [
      "Production's source holds 48000 records, 40.00 times the drill's 1200; steps that handle records are scaled by that, at the throughput the drill measured.",
      'As much was entered in the new CRM after go-live as the drill simulated; the export and reconciliation scale with that, not with the whole CRM.',
    ],
  },
  files: { json: '/srv/drills/drill-1/drill-report.json', markdown: '/srv/drills/drill-1/drill-report.md', html: '/srv/drills/drill-1/drill-report.html' },
};

/** The markup the failing report's texts carry; the reports must show it, never run it. */
export const INJECTED_SCRIPT = '<script>alert(1)</script>';
export const INJECTED_IMAGE = '<img src="x.png" onerror="alert(2)">';

const failingPhases = phases([
  ['sandboxes', 'Build the sandboxes', 2.9, 'legacy from backup bk-9 (800 records) into /tmp/drill & co/legacy.db, crm from its baseline bl-2'],
  ['backup', 'Back up and verify the sandbox source', 1.2, 'backup bk-10: 800 records, verified'],
  ['snapshot', 'Snapshot the sandbox target', 0.5, 'baseline bl-3'],
  ['migrate', 'Migrate', 5.4, 'run mig-2: 800 created, 0 updated, 0 failed'],
  ['go-live', 'Go live', 0.7, 'go-live gl-2; 9 user(s) of legacy frozen'],
  ['simulate', 'Simulate use after go-live', 1.3, '40 logins, 30 created, 12 edited, 16 deleted over 3 day(s)'],
  ['watch', 'Watch the triggers', 0.3, 'ok'],
  ['decide', 'Decide to roll back', 0.2, 'decision dec-2'],
  ['rollback', 'Roll back (delayed)', 4.1, `cutover rollback: restore-source failed: cannot write /tmp/drills/${INJECTED_SCRIPT}/legacy.db`, 'failed'],
]);

const failingSteps: DrillRollbackStep[] = [
  { name: 'freeze-target', title: 'Freeze the new CRM', status: 'succeeded', seconds: 0.28, summary: 'froze 9 users of crm' },
  { name: 'export-delta', title: 'Export what was entered in the new CRM', status: 'succeeded', seconds: 0.96, records: 58, summary: 'exported 30 created, 12 changed and 16 deleted record(s) to /tmp/drills/a|b/crm-delta.cutover' },
  { name: 'assess', title: 'Assess the data entered since go-live', status: 'succeeded', seconds: 0.42, summary: '30 new records, 12 edits & 16 deletions to bring back' },
  { name: 'plan-reconciliation', title: 'Plan the reconciliation', status: 'succeeded', seconds: 0.51, records: 58, summary: 'plan: 30 inserts, 12 updates, 16 deletes' },
  { name: 'restore-source', title: 'Restore the source CRM', status: 'failed', seconds: 1.37, records: 312, summary: `cannot write /tmp/drills/${INJECTED_SCRIPT}/legacy.db: permission denied & gave up after 312 records` },
  { name: 'apply-reconciliation', title: 'Apply the reconciliation', status: 'not_run', seconds: null, summary: '' },
  { name: 'plan-remigration', title: 'Plan the re-migration', status: 'not_run', seconds: null, summary: '' },
  { name: 'reenable-source', title: 'Re-enable the source CRM', status: 'not_run', seconds: null, summary: '' },
  { name: 'communicate', title: 'Communicate the rollback', status: 'not_run', seconds: null, summary: '' },
];

/** A delayed rollback whose restore failed: no time against the RTO, no estimate, a failed check. */
export const FAILING: DrillReport = {
  id: 'drill-20250315-140000-c3d4',
  mode: 'delayed',
  project: `O'Brien & Sons "CRM" <move>`,
  startedAt: '2025-03-14T09:00:00.000Z',
  finishedAt: '2025-03-14T09:00:18.100Z',
  seconds: 18.1,
  status: 'failed',
  failed: ['rollback: restore-source', 'restoration'],
  sandboxes: {
    source: { name: 'legacy (embedded)', stands_in_for: 'legacy', url: 'sqlite:/tmp/drill & co/legacy.db' },
    target: { name: 'crm (embedded)', stands_in_for: 'crm', url: 'sqlite:/tmp/drills/crm.db' },
  },
  simulated: { created: 30, edited: 12, deleted: 16, logins: 40, days: 3 },
  phases: failingPhases,
  rollback: { runId: 'rb-2', status: 'failed', seconds: null, steps: failingSteps },
  checks: [
    { name: 'restoration', kind: 'restoration', status: 'failed', detail: `legacy differs from backup bk-9: contacts 488 missing, 0 extra, 0 changed; ${INJECTED_IMAGE}` },
    { name: 'users', kind: 'users', status: 'passed', detail: 'all 9 users of legacy are as before go-live (9 can log in)' },
  ],
  rto: { objective: '4h', objectiveSeconds: 14_400, actualSeconds: null, verdict: 'fail', marginSeconds: null },
  estimate: null,
  files: { json: '/tmp/drills/d2/drill-report.json', markdown: '/tmp/drills/d2/drill-report.md', html: '/tmp/drills/d2/drill-report.html' },
};
