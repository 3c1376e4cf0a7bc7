/**
 * A migration's second pass: the references written empty in the first
 * (a record pointing at one of its own object not migrated yet, or around a
 * cycle) are set now that every record of the run exists. They are kept in
 * the state store until set, so a killed run sets them when run again.
 */
import type { CrmRecord } from '../../connectors/contract.js';
import { throwIfAborted } from '../../core/errors.js';
import { jsonValue } from '../../core/record-hash.js';
import type { Value } from '../../core/values.js';
import type { DeferredLink, LedgerIntent } from '../../state/index.js';
import type { RunContext } from './migrate-object.js';

/** Records updated per round of the second pass. */
const LINKS_PER_ROUND = 500;

/** What the second pass did. */
export interface LinkCounts {
  /** References set. */
  set: number;
  /** References to records never migrated, left empty as the mapping allows (`missing: null`). */
  leftEmpty?: number;
  /** References whose record could not be found migrated, or whose write failed (reported as failures). */
  failed: number;
}

/** Sets every deferred reference of the run's system. */
export async function setDeferredLinks(run: RunContext): Promise<LinkCounts> {
  const counts: LinkCounts = { set: 0, failed: 0 };
  const byObject = new Map<string, DeferredLink[]>();
  for (const link of await run.state.ledger.deferredLinks(run.system)) {
    const links = byObject.get(link.object);
    if (links) links.push(link);
    else byObject.set(link.object, [link]);
  }
  for (const [object, links] of byObject) {
    // All links of one record go in one round, so that it is written once.
    const byRecord = new Map<string, DeferredLink[]>();
    for (const link of links) {
      const ofRecord = byRecord.get(link.targetId);
      if (ofRecord) ofRecord.push(link);
      else byRecord.set(link.targetId, [link]);
    }
    const records = [...byRecord.entries()];
    for (let start = 0; start < records.length; start += LINKS_PER_ROUND) {
      throwIfAborted(run.signal, `setting references of ${object}`);
      const round = await linkRound(run, object, records.slice(start, start + LINKS_PER_ROUND));
      counts.set += round.set;
      counts.failed += round.failed;
      if (round.leftEmpty) counts.leftEmpty = (counts.leftEmpty ?? 0) + round.leftEmpty;
    }
  }
  return counts;
}

async function linkRound(run: RunContext, object: string, records: Array<[string, DeferredLink[]]>): Promise<LinkCounts> {
  const resolved = await resolve(run, records.flatMap(([, links]) => links));
  const current = new Map<string, CrmRecord>(
    (await run.target.get(object, records.map(([id]) => id), run.signal ? { signal: run.signal } : {})).map((record) => [record.id, record]),
  );
  const counts: LinkCounts = { set: 0, failed: 0 };
  const settledLinks: DeferredLink[] = [];
  const writes: Array<{ id: string; values: Record<string, Value>; intent: LedgerIntent; links: DeferredLink[] }> = [];
  for (const [targetId, links] of records) {
    const record = current.get(targetId);
    const values: Record<string, Value> = {};
    const prior: Record<string, unknown> = {};
    const writing: DeferredLink[] = [];
    for (const link of links) {
      const parent = resolved.get(`${link.sourceObject}\u0000${link.sourceId}`);
      if (parent === undefined && record && link.missingAsNull) {
        counts.leftEmpty = (counts.leftEmpty ?? 0) + 1;
        settledLinks.push(link);
        continue;
      }
      if (parent === undefined || !record) {
        counts.failed += 1;
        settledLinks.push(link);
        run.failures.add({
          object,
          sourceObject: link.fromObject,
          sourceId: link.fromId,
          targetId,
          step: 'link',
          field: link.field,
          rule: 'lookup',
          message: record
            ? `${object} ${targetId}.${link.field} points at ${link.sourceObject} ${link.sourceId}, which was not migrated; the field stays empty`
            : `${object} ${targetId} is no longer in the target, so ${link.field} cannot be set`,
        });
        continue;
      }
      values[link.field] = parent;
      prior[link.field] = jsonValue(record.values[link.field] ?? null);
      writing.push(link);
    }
    if (writing.length === 0) continue;
    // Setting a reference is not a change a person made: the record keeps its modified-at (often migrated from the source).
    const stamp = run.targetDescription.objects.find((candidate) => candidate.name === object)?.modifiedAtField;
    if (stamp && record && !(stamp in values)) values[stamp] = record.values[stamp] ?? null;
    const intent: LedgerIntent = { object, sourceObject: null, sourceId: null, targetId, operation: 'updated', hash: null, prior };
    writes.push({ id: targetId, values, intent, links: writing });
  }
  if (writes.length > 0) {
    const ledgerIds = await run.state.ledger.intend(run.runId, run.system, writes.map((write) => write.intent));
    const results = await run.target.write(object, 'update', writes.map(({ id, values }) => ({ id, values })), run.signal ? { signal: run.signal } : {});
    const confirmed: number[] = [];
    const dropped: number[] = [];
    results.forEach((result, index) => {
      const write = writes[index] as (typeof writes)[number];
      settledLinks.push(...write.links);
      if (result.ok) {
        confirmed.push(ledgerIds[index] as number);
        counts.set += write.links.length;
        return;
      }
      dropped.push(ledgerIds[index] as number);
      counts.failed += write.links.length;
      for (const link of write.links) {
        run.failures.add({ object, sourceObject: link.fromObject, sourceId: link.fromId, targetId: write.id, step: 'link', field: link.field, rule: result.error.code, message: result.error.message });
      }
    });
    await run.state.transaction(async () => {
      await run.state.ledger.confirm(confirmed);
      await run.state.ledger.drop(dropped);
      await run.state.ledger.clearLinks(run.system, settledLinks);
    });
  } else await run.state.ledger.clearLinks(run.system, settledLinks);
  return counts;
}

/** Target ids of the referenced source records, by `sourceObject NUL sourceId`. */
async function resolve(run: RunContext, links: DeferredLink[]): Promise<Map<string, string>> {
  const wanted = new Map<string, Set<string>>();
  for (const link of links) wanted.set(link.sourceObject, (wanted.get(link.sourceObject) ?? new Set()).add(link.sourceId));
  const resolved = new Map<string, string>();
  for (const [object, ids] of wanted) {
    for (const [id, entry] of await run.state.ledger.targets(run.system, object, [...ids])) resolved.set(`${object}\u0000${id}`, entry.targetId);
  }
  return resolved;
}
