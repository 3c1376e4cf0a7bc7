/** The Markdown summary written beside a reconciliation plan file, for people deciding on its conflicts. */
import { countActions, type ReconcileAction, type ReconciliationPlan } from './reconcile-types.js';

/** Conflicts listed in full; the rest are counted. */
const LISTED = 50;

/** The summary of a plan: counts per object and action, then each conflict with its entry index and reasons. */
export function reconciliationSummary(plan: ReconciliationPlan): string {
  const actions: ReconcileAction[] = ['create', 'update', 'delete', 'skip', 'conflict'];
  const perObject = new Map<string, Record<ReconcileAction, number>>();
  for (const entry of plan.entries) {
    const counts = perObject.get(entry.object) ?? { create: 0, update: 0, delete: 0, skip: 0, conflict: 0 };
    counts[entry.action] += 1;
    perObject.set(entry.object, counts);
  }
  const total = countActions(plan);
  const conflicts = plan.entries.map((entry, index) => ({ entry, index })).filter(({ entry }) => entry.action === 'conflict');
  const lines = [
    `# Reconciliation of ${plan.target} into ${plan.source}`,
    '',
    `Made ${plan.createdAt} from export ${plan.export.id} (go-live ${plan.goLive.id} at ${plan.goLive.at}), comparing the source with backup ${plan.backup}.`,
    `Policy: ${plan.policy.policy}; deletions: ${plan.policy.deletes}.`,
    '',
    `| object | ${actions.join(' | ')} |`,
    `|---|${actions.map(() => '---:').join('|')}|`,
    ...[...perObject].map(([object, counts]) => `| ${object} | ${actions.map((action) => counts[action]).join(' | ')} |`),
    `| **all** | ${actions.map((action) => total[action]).join(' | ')} |`,
    '',
  ];
  if (conflicts.length === 0) lines.push('No conflicts: the plan can be applied as it is.');
  else {
    lines.push(
      `## ${conflicts.length} conflict(s) to decide`,
      '',
      'In the JSON file, set each conflict\'s `action` to its `proposed` change or to `skip` (editing `values` if needed), then run `cutover reconcile --check <file>`.',
      '',
    );
    for (const { entry, index } of conflicts.slice(0, LISTED)) {
      const reasons = entry.notes.filter((note) => note.kind !== 'approximate' && note.kind !== 'target-only' && note.kind !== 'source-wins');
      lines.push(`- entry ${index}: ${entry.proposed} ${entry.object} ${entry.id ?? '(new)'} from ${entry.from.object} ${entry.from.id}: ${reasons.map((note) => (note.field ? `${note.field}: ${note.reason}` : note.reason)).join('; ')}`);
    }
    if (conflicts.length > LISTED) lines.push(`- … and ${conflicts.length - LISTED} more (search the file for "conflict")`);
  }
  lines.push('', `Apply it with \`cutover reconcile --apply <file>\`: every write to ${plan.source} goes to the ledger with the values it replaced.`, '');
  return lines.join('\n');
}
