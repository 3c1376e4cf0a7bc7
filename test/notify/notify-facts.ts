/** Facts for the notify tests: every fact filled in, and only the required ones. */
import type { FactsInput } from '../../src/notify/facts.js';
import { recoveryFacts } from '../../src/notify/facts.js';

export const REQUIRED_FACTS: FactsInput = {
  generated_at: '2025-03-01T03:10:00.000Z',
  project: { name: 'Acme CRM move' },
  systems: { source: { name: 'legacy' }, target: { name: 'salesforce' } },
};

export const FULL_FACTS: FactsInput = {
  event: 'rollback_finished',
  generated_at: '2025-03-01T03:10:00.000Z',
  project: { name: 'Acme CRM move', owner: 'Dana Ops <dana@acme.test>', timezone: 'Europe/Berlin' },
  systems: {
    source: { name: 'legacy', kind: 'postgres', environment: 'production', description: 'In-house CRM' },
    target: { name: 'salesforce', kind: 'sqlite', environment: 'production' },
  },
  go_live: { id: 'golive-1', at: '2025-03-01T00:00:00.000Z' },
  triggers: [
    { name: 'errors', check: 'error_rate', status: 'fired', measured: '7.5%', threshold: '5%', reason: 'error rate above threshold', at: '2025-03-01T02:00:00.000Z' },
    { check: 'record_count', status: 'unknown', measured: null },
  ],
  decision: { decision: 'rollback', reason: 'orders fail to sync', by: 'dana', at: '2025-03-01T02:05:00.000Z' },
  runbook: {
    id: 'run-42',
    name: 'rollback',
    mode: 'immediate',
    status: 'succeeded',
    started_at: '2025-03-01T02:06:00.000Z',
    finished_at: '2025-03-01T02:16:40.000Z',
    steps: [
      { name: 'freeze-users', title: 'Freeze target users', status: 'succeeded', seconds: 1.25, summary: 'froze 12 users' },
      { name: 'restore', status: 'succeeded', seconds: 590.4 },
      { name: 'reconcile', status: 'skipped', seconds: null },
    ],
    total_seconds: 600.25,
  },
  counts: { restored: 15230, exported: 87, objects: [{ object: 'contacts', restored: 15000, exported: 80 }, { object: 'accounts', restored: 230, exported: 7 }] },
  recovery: recoveryFacts('4h', new Date('2025-03-01T02:06:00.000Z')),
  next_steps: ['Carry the 87 exported records back into legacy', 'Reset salesforce to its baseline'],
  contacts: [{ name: 'Dana Ops', role: 'migration lead', email: 'dana@acme.test', phone: '+49 30 1234' }],
};
