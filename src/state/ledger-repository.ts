/**
 * The ledger in the state store: every effect cutover had on a system (run,
 * object, source id, target id, operation, hash of what was written, prior
 * values), the id map (where each migrated source record is now), and the
 * references a migration sets in its second pass.
 *
 * Effects are recorded as intents (`pending`) before they happen and
 * confirmed (`done`) after: a crash in between leaves pending intents that
 * the next run checks against the system, so nothing is done twice and
 * nothing is forgotten.
 */
import { MAX_PARAMS, type StateDb, type StateValue } from './state-db.js';
import { guard } from './state-errors.js';

/** What an effect did to a record. */
export type LedgerOperation = 'created' | 'updated' | 'deleted';

/** One effect on a system. Times are ISO 8601 UTC. */
export interface LedgerEntry {
  id: number;
  runId: string;
  system: string;
  /** The object written (a target object for a migration). */
  object: string;
  sourceObject: string | null;
  sourceId: string | null;
  targetId: string;
  operation: LedgerOperation;
  /** Hash of the values written (created, updated), of the record removed (deleted). */
  hash: string | null;
  /** Updated: the written fields' values before; deleted: the whole record before (JSON values). */
  prior: Record<string, unknown> | null;
  state: 'pending' | 'done';
  at: string;
}

/** An effect about to happen (or, for {@link LedgerRepository.record}, that happened). */
export type LedgerIntent = Pick<LedgerEntry, 'object' | 'sourceObject' | 'sourceId' | 'targetId' | 'operation' | 'hash' | 'prior'> & {
  /** References of the record to set in the second pass, recorded with the intent. */
  deferred?: DeferredLink[];
};

/** Where a migrated source record is now. */
export interface IdMapEntry {
  sourceObject: string;
  sourceId: string;
  object: string;
  targetId: string;
  /** Hash of what was last written there. */
  hash: string;
  runId: string;
}

/** A reference left empty in a first pass, to set once the referenced record exists. */
export interface DeferredLink {
  /** The target record holding the reference, and its field. */
  object: string;
  targetId: string;
  field: string;
  /** The source record referenced. */
  sourceObject: string;
  sourceId: string;
  /** The source record the target record was migrated from. */
  fromObject: string;
  fromId: string;
  /** A referenced record that is never migrated leaves the field empty, as the mapping allows, rather than failing. */
  missingAsNull?: boolean;
}

/** Which ledger entries to list. */
export interface LedgerFilter {
  system?: string;
  object?: string;
  sourceId?: string;
  targetId?: string;
  runId?: string;
  /** Only done entries (the default), or pending ones too. */
  withPending?: boolean;
}

/** The ledger, the id map and the deferred references. */
export interface LedgerRepository {
  /** Records intents of a run as pending, with their deferred references, in one transaction; returns their ledger ids in order. */
  intend(runId: string, system: string, intents: LedgerIntent[]): Promise<number[]>;
  /** Confirms intents: done, and the id map follows created and updated records that have a source. */
  confirm(ids: number[]): Promise<void>;
  /** Forgets intents whose effect did not happen, with the deferred references they recorded. */
  drop(ids: number[]): Promise<void>;
  /** Pending intents of a system, oldest first. */
  pending(system: string): Promise<LedgerEntry[]>;
  /** Records effects that happened (done at once): a reset's, a second pass's. */
  record(runId: string, system: string, entries: LedgerIntent[]): Promise<void>;
  /** Id map entries of source records of one source object, by source id. */
  targets(system: string, sourceObject: string, sourceIds: readonly string[]): Promise<Map<string, IdMapEntry>>;
  /** Every id map entry of a system (optionally of one target object), in the order they were made. */
  idMap(system: string, object?: string): Promise<IdMapEntry[]>;
  /** Forgets id map entries by target (a reset removed or reverted those records). */
  unmap(system: string, object: string, targetIds: readonly string[]): Promise<void>;
  /** Deferred references of a system still to set. */
  deferredLinks(system: string): Promise<DeferredLink[]>;
  /** Forgets deferred references once set (or given up). */
  clearLinks(system: string, links: ReadonlyArray<Pick<DeferredLink, 'object' | 'targetId' | 'field'>>): Promise<void>;
  /** Entries matching the filter, oldest first. */
  entries(filter?: LedgerFilter): Promise<LedgerEntry[]>;
  /** The first `limit` entries matching, oldest first, and how many match in all (for a search that must not load a whole migration). */
  search(filter: LedgerFilter, limit: number): Promise<{ entries: LedgerEntry[]; total: number }>;
  /** Every record of a system cutover touched, with its first and last confirmed effect, without loading the entries. */
  touched(system: string): Promise<TouchedRecord[]>;
  /** The confirmed entries of some records of one object, oldest first. */
  entriesOf(system: string, object: string, targetIds: readonly string[]): Promise<LedgerEntry[]>;
}

/** A record of a system cutover touched: what it did to it first and last. */
export interface TouchedRecord {
  object: string;
  targetId: string;
  first: LedgerOperation;
  last: LedgerOperation;
}

interface LedgerDbRow {
  id: number;
  run_id: string;
  system: string;
  object: string;
  source_object: string | null;
  source_id: string | null;
  target_id: string;
  operation: LedgerOperation;
  hash: string | null;
  prior: string | null;
  state: 'pending' | 'done';
  at: string;
}

interface IdMapDbRow {
  source_object: string;
  source_id: string;
  object: string;
  target_id: string;
  hash: string;
  run_id: string;
}

/** Ids per `IN (…)` list. */
const IDS_PER_QUERY = 500;
/** Rows per multi-row INSERT: 10 parameters each, under {@link MAX_PARAMS}. */
const ROWS_PER_INSERT = Math.floor(MAX_PARAMS / 10);

/** {@link LedgerRepository} over the state's database. */
export class SqlLedgerRepository implements LedgerRepository {
  constructor(private readonly db: StateDb) {}

  intend(runId: string, system: string, intents: LedgerIntent[]): Promise<number[]> {
    return this.write(`recording ${intents.length} intended change(s) of ${system}`, async () => {
      const at = new Date().toISOString();
      const ids: number[] = [];
      for (let start = 0; start < intents.length; start += ROWS_PER_INSERT) {
        const chunk = intents.slice(start, start + ROWS_PER_INSERT);
        const params = chunk.flatMap((intent) => [runId, system, intent.object, intent.sourceObject, intent.sourceId, intent.targetId, intent.operation, intent.hash, json(intent.prior), at]);
        const rows = await this.db.all<{ id: number }>(
          `INSERT INTO ledger (run_id, system, object, source_object, source_id, target_id, operation, hash, prior, state, at)
           VALUES ${chunk.map(() => "(?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)").join(', ')} RETURNING id`,
          params,
        );
        // Ids are drawn in the order of the VALUES rows; RETURNING's own order is not promised.
        ids.push(...rows.map((row) => Number(row.id)).sort((a, b) => a - b));
      }
      // One statement may not set the same key twice (PostgreSQL refuses): the last link per field wins, as it would one by one.
      const links = new Map<string, StateValue[]>();
      for (const intent of intents) {
        for (const link of intent.deferred ?? []) {
          links.set(`${link.object}\u0000${link.targetId}\u0000${link.field}`, [system, link.object, link.targetId, link.field, link.sourceObject, link.sourceId, link.fromObject, link.fromId, link.missingAsNull ? 1 : 0, runId]);
        }
      }
      const rows = [...links.values()];
      for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
        const chunk = rows.slice(start, start + ROWS_PER_INSERT);
        await this.db.run(
          `INSERT INTO deferred_links (system, object, target_id, field, source_object, source_id, from_object, from_id, missing_as_null, run_id)
           VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
           ON CONFLICT (system, object, target_id, field) DO UPDATE SET source_object = excluded.source_object, source_id = excluded.source_id,
             from_object = excluded.from_object, from_id = excluded.from_id, missing_as_null = excluded.missing_as_null, run_id = excluded.run_id`,
          chunk.flat(),
        );
      }
      return ids;
    });
  }

  confirm(ids: number[]): Promise<void> {
    return this.write(`confirming ${ids.length} change(s)`, async () => {
      for (let start = 0; start < ids.length; start += IDS_PER_QUERY) {
        const chunk = ids.slice(start, start + IDS_PER_QUERY);
        const list = chunk.map(() => '?').join(', ');
        // The id map follows created and updated records that have a source, from the pending rows being confirmed; the newest per source record wins.
        await this.db.run(
          `INSERT INTO id_map (system, source_object, source_id, object, target_id, hash, run_id)
           SELECT system, source_object, source_id, object, target_id, hash, run_id FROM ledger
           WHERE id IN (
             SELECT MAX(id) FROM ledger
             WHERE id IN (${list}) AND state = 'pending' AND operation <> 'deleted' AND source_object IS NOT NULL AND source_id IS NOT NULL AND hash IS NOT NULL
             GROUP BY system, source_object, source_id
           )
           ORDER BY id
           ON CONFLICT (system, source_object, source_id) DO UPDATE SET object = excluded.object, target_id = excluded.target_id, hash = excluded.hash, run_id = excluded.run_id`,
          chunk,
        );
        await this.db.run(`UPDATE ledger SET state = 'done' WHERE id IN (${list}) AND state = 'pending'`, chunk);
      }
    });
  }

  drop(ids: number[]): Promise<void> {
    return this.write(`forgetting ${ids.length} change(s) that did not happen`, async () => {
      for (let start = 0; start < ids.length; start += IDS_PER_QUERY) {
        const chunk = ids.slice(start, start + IDS_PER_QUERY);
        const list = chunk.map(() => '?').join(', ');
        // A record that was never created has no references to set.
        await this.db.run(
          `DELETE FROM deferred_links WHERE (system, object, target_id) IN (SELECT system, object, target_id FROM ledger WHERE id IN (${list}) AND state = 'pending' AND operation = 'created')`,
          chunk,
        );
        await this.db.run(`DELETE FROM ledger WHERE id IN (${list}) AND state = 'pending'`, chunk);
      }
    });
  }

  async pending(system: string): Promise<LedgerEntry[]> {
    const rows = await guard(this.db.where, 'reading pending changes', () => this.db.all<LedgerDbRow>("SELECT * FROM ledger WHERE system = ? AND state = 'pending' ORDER BY id", [system]));
    return rows.map(entryOf);
  }

  record(runId: string, system: string, entries: LedgerIntent[]): Promise<void> {
    return this.write(`recording ${entries.length} change(s) of ${system}`, async () => this.confirm(await this.intend(runId, system, entries)));
  }

  targets(system: string, sourceObject: string, sourceIds: readonly string[]): Promise<Map<string, IdMapEntry>> {
    return guard(this.db.where, `looking up migrated ${sourceObject} records`, async () => {
      const found = new Map<string, IdMapEntry>();
      for (let start = 0; start < sourceIds.length; start += IDS_PER_QUERY) {
        const chunk = sourceIds.slice(start, start + IDS_PER_QUERY);
        const rows = await this.db.all<IdMapDbRow>(`SELECT * FROM id_map WHERE system = ? AND source_object = ? AND source_id IN (${chunk.map(() => '?').join(', ')})`, [
          system,
          sourceObject,
          ...chunk,
        ]);
        for (const row of rows) found.set(row.source_id, mapEntryOf(row));
      }
      return found;
    });
  }

  async idMap(system: string, object?: string): Promise<IdMapEntry[]> {
    const order = this.db.rowOrder;
    const rows = await guard(this.db.where, 'reading the id map', () =>
      object
        ? this.db.all<IdMapDbRow>(`SELECT * FROM id_map WHERE system = ? AND object = ? ORDER BY ${order}`, [system, object])
        : this.db.all<IdMapDbRow>(`SELECT * FROM id_map WHERE system = ? ORDER BY ${order}`, [system]),
    );
    return rows.map(mapEntryOf);
  }

  unmap(system: string, object: string, targetIds: readonly string[]): Promise<void> {
    return this.write(`forgetting ${targetIds.length} migrated record(s) of ${object}`, async () => {
      for (let start = 0; start < targetIds.length; start += IDS_PER_QUERY) {
        const chunk = targetIds.slice(start, start + IDS_PER_QUERY);
        await this.db.run(`DELETE FROM id_map WHERE system = ? AND object = ? AND target_id IN (${chunk.map(() => '?').join(', ')})`, [system, object, ...chunk]);
      }
    });
  }

  async deferredLinks(system: string): Promise<DeferredLink[]> {
    const rows = await guard(this.db.where, 'reading references still to set', () =>
      this.db.all<Record<string, string | number>>('SELECT * FROM deferred_links WHERE system = ? ORDER BY object, target_id, field', [system]),
    );
    return rows.map((row) => ({
      object: String(row.object),
      targetId: String(row.target_id),
      field: String(row.field),
      sourceObject: String(row.source_object),
      sourceId: String(row.source_id),
      fromObject: String(row.from_object),
      fromId: String(row.from_id),
      ...(Number(row.missing_as_null) === 1 ? { missingAsNull: true } : {}),
    }));
  }

  clearLinks(system: string, links: ReadonlyArray<Pick<DeferredLink, 'object' | 'targetId' | 'field'>>): Promise<void> {
    return this.write(`forgetting ${links.length} reference(s) set`, async () => {
      const perStatement = Math.floor(MAX_PARAMS / 3);
      for (let start = 0; start < links.length; start += perStatement) {
        const chunk = links.slice(start, start + perStatement);
        await this.db.run(
          `DELETE FROM deferred_links WHERE system = ? AND (object, target_id, field) IN (${chunk.map(() => '(?, ?, ?)').join(', ')})`,
          [system, ...chunk.flatMap((link) => [link.object, link.targetId, link.field])],
        );
      }
    });
  }

  async entries(filter: LedgerFilter = {}): Promise<LedgerEntry[]> {
    const { where, params } = filterClause(filter);
    const rows = await guard(this.db.where, 'reading the ledger', () => this.db.all<LedgerDbRow>(`SELECT * FROM ledger${where} ORDER BY id`, params));
    return rows.map(entryOf);
  }

  async search(filter: LedgerFilter, limit: number): Promise<{ entries: LedgerEntry[]; total: number }> {
    const { where, params } = filterClause(filter);
    return guard(this.db.where, 'searching the ledger', async () => {
      const counted = await this.db.get<{ total: number | string }>(`SELECT COUNT(*) AS total FROM ledger${where}`, params);
      const rows = await this.db.all<LedgerDbRow>(`SELECT * FROM ledger${where} ORDER BY id LIMIT ${Math.max(0, Math.floor(limit))}`, params);
      return { entries: rows.map(entryOf), total: Number(counted?.total ?? 0) };
    });
  }

  async touched(system: string): Promise<TouchedRecord[]> {
    const rows = await guard(this.db.where, 'reading what cutover touched', () =>
      this.db.all<{ object: string; target_id: string; first_operation: LedgerOperation; last_operation: LedgerOperation }>(
        `SELECT ends.object, ends.target_id, f.operation AS first_operation, l.operation AS last_operation
         FROM (SELECT object, target_id, MIN(id) AS first_id, MAX(id) AS last_id FROM ledger WHERE system = ? AND state = 'done' GROUP BY object, target_id) ends
         JOIN ledger f ON f.id = ends.first_id
         JOIN ledger l ON l.id = ends.last_id
         ORDER BY ends.object, ends.target_id`,
        [system],
      ),
    );
    return rows.map((row) => ({ object: row.object, targetId: row.target_id, first: row.first_operation, last: row.last_operation }));
  }

  entriesOf(system: string, object: string, targetIds: readonly string[]): Promise<LedgerEntry[]> {
    return guard(this.db.where, `reading the ledger of ${object}`, async () => {
      const entries: LedgerEntry[] = [];
      for (let start = 0; start < targetIds.length; start += IDS_PER_QUERY) {
        const chunk = targetIds.slice(start, start + IDS_PER_QUERY);
        const rows = await this.db.all<LedgerDbRow>(
          `SELECT * FROM ledger WHERE system = ? AND object = ? AND state = 'done' AND target_id IN (${chunk.map(() => '?').join(', ')}) ORDER BY id`,
          [system, object, ...chunk],
        );
        entries.push(...rows.map(entryOf));
      }
      return entries.sort((a, b) => a.id - b.id);
    });
  }

  /** Runs `fn` in one transaction (joining an open one), as the state's own errors when it fails. */
  private write<T>(doing: string, fn: () => Promise<T>): Promise<T> {
    return guard(this.db.where, doing, () => this.db.transaction(fn));
  }
}

function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

function entryOf(row: LedgerDbRow): LedgerEntry {
  return {
    id: Number(row.id),
    runId: row.run_id,
    system: row.system,
    object: row.object,
    sourceObject: row.source_object,
    sourceId: row.source_id,
    targetId: row.target_id,
    operation: row.operation,
    hash: row.hash,
    prior: row.prior === null ? null : (JSON.parse(row.prior) as Record<string, unknown>),
    state: row.state,
    at: row.at,
  };
}

function mapEntryOf(row: IdMapDbRow): IdMapEntry {
  return { sourceObject: row.source_object, sourceId: row.source_id, object: row.object, targetId: row.target_id, hash: row.hash, runId: row.run_id };
}

/** The WHERE clause (with its leading space, or empty) and parameters of a ledger filter. */
function filterClause(filter: LedgerFilter): { where: string; params: string[] } {
  const clauses: string[] = [];
  const params: string[] = [];
  const where = (clause: string, value: string | undefined): void => {
    if (value !== undefined) (clauses.push(clause), params.push(value));
  };
  where('system = ?', filter.system);
  where('object = ?', filter.object);
  where('source_id = ?', filter.sourceId);
  where('target_id = ?', filter.targetId);
  where('run_id = ?', filter.runId);
  if (!filter.withPending) clauses.push("state = 'done'");
  return { where: clauses.length > 0 ? ` WHERE ${clauses.join(' AND ')}` : '', params };
}
