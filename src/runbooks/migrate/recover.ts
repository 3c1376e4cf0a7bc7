/**
 * Settles the intents an interrupted run left pending: each is checked
 * against the system, and confirmed when its effect is there, forgotten when
 * it is not. Runs before a migration or reset writes anything.
 */
import type { Connector, CrmRecord } from '../../connectors/contract.js';
import { jsonValue } from '../../core/record-hash.js';
import type { LedgerEntry, StateStore } from '../../state/index.js';

/** What recovery found. */
export interface Recovery {
  /** Intents whose effect had happened: now confirmed. */
  confirmed: number;
  /** Intents whose effect had not happened: forgotten, to be done again. */
  dropped: number;
}

/** Ids per read of the system. */
const IDS_PER_READ = 500;

/** Checks every pending intent of `system` against the connector. */
export async function recoverPending(state: StateStore, system: string, connector: Connector, signal?: AbortSignal): Promise<Recovery> {
  const pending = await state.ledger.pending(system);
  const resets = new Set<string>();
  for (const runId of new Set(pending.map((entry) => entry.runId))) if ((await state.runs.get(runId))?.kind === 'reset') resets.add(runId);
  const recovery: Recovery = { confirmed: 0, dropped: 0 };
  const byObject = new Map<string, LedgerEntry[]>();
  for (const entry of pending) {
    const entries = byObject.get(entry.object);
    if (entries) entries.push(entry);
    else byObject.set(entry.object, [entry]);
  }
  for (const [object, entries] of byObject) {
    for (let start = 0; start < entries.length; start += IDS_PER_READ) {
      const chunk = entries.slice(start, start + IDS_PER_READ);
      const found = new Map((await connector.get(object, [...new Set(chunk.map((entry) => entry.targetId))], signal ? { signal } : {})).map((record) => [record.id, record]));
      const happened = chunk.filter((entry) => effectHappened(entry, found.get(entry.targetId)));
      const happenedSet = new Set(happened);
      const missed = chunk.filter((entry) => !happenedSet.has(entry));
      await state.transaction(async () => {
        await state.ledger.confirm(happened.map((entry) => entry.id));
        await state.ledger.drop(missed.map((entry) => entry.id));
        // A record a reset deleted or reverted no longer holds what the id map says a migration wrote there.
        await state.ledger.unmap(system, object, happened.filter((entry) => entry.operation === 'deleted' || resets.has(entry.runId)).map((entry) => entry.targetId));
      });
      recovery.confirmed += happened.length;
      recovery.dropped += missed.length;
    }
  }
  return recovery;
}

/**
 * Whether an intent's effect is in the system: a created record exists; a
 * deleted one does not; an updated one no longer has all of its prior
 * values (only fields that changed are recorded as prior).
 */
function effectHappened(entry: LedgerEntry, current: CrmRecord | undefined): boolean {
  switch (entry.operation) {
    case 'created':
      return current !== undefined;
    case 'deleted':
      return current === undefined;
    case 'updated': {
      if (!current) return false;
      const prior = entry.prior ?? {};
      const fields = Object.keys(prior);
      return fields.length === 0 || fields.some((field) => JSON.stringify(jsonValue(current.values[field] ?? null)) !== JSON.stringify(prior[field] ?? null));
    }
  }
}
