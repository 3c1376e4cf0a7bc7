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
import type Database from 'better-sqlite3';
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
  intend(runId: string, system: string, intents: LedgerIntent[]): number[];
  /** Confirms intents: done, and the id map follows created and updated records that have a source. */
  confirm(ids: number[]): void;
  /** Forgets intents whose effect did not happen, with the deferred references they recorded. */
  drop(ids: number[]): void;
  /** Pending intents of a system, oldest first. */
  pending(system: string): LedgerEntry[];
  /** Records effects that happened (done at once): a reset's, a second pass's. */
  record(runId: string, system: string, entries: LedgerIntent[]): void;
  /** Id map entries of source records of one source object, by source id. */
  targets(system: string, sourceObject: string, sourceIds: readonly string[]): Map<string, IdMapEntry>;
  /** Every id map entry of a system (optionally of one target object), in ledger order. */
  idMap(system: string, object?: string): IdMapEntry[];
  /** Forgets id map entries by target (a reset removed or reverted those records). */
  unmap(system: string, object: string, targetIds: readonly string[]): void;
  /** Deferred references of a system still to set. */
  deferredLinks(system: string): DeferredLink[];
  /** Forgets deferred references once set (or given up). */
  clearLinks(system: string, links: ReadonlyArray<Pick<DeferredLink, 'object' | 'targetId' | 'field'>>): void;
  /** Entries matching the filter, oldest first. */
  entries(filter?: LedgerFilter): LedgerEntry[];
  /** Every record of a system cutover touched, with its first and last confirmed effect, without loading the entries. */
  touched(system: string): TouchedRecord[];
  /** The confirmed entries of some records of one object, oldest first. */
  entriesOf(system: string, object: string, targetIds: readonly string[]): LedgerEntry[];
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

/** Source ids per `IN (…)` list: well under SQLite's parameter limit. */
const IDS_PER_QUERY = 500;

/** {@link LedgerRepository} over the state file. */
export class SqliteLedgerRepository implements LedgerRepository {
  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
  ) {}

  intend(runId: string, system: string, intents: LedgerIntent[]): number[] {
    return this.write(`recording ${intents.length} intended change(s) of ${system}`, () => {
      const insert = this.db.prepare(
        "INSERT INTO ledger (run_id, system, object, source_object, source_id, target_id, operation, hash, prior, state, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)",
      );
      const link = this.db.prepare(
        'INSERT OR REPLACE INTO deferred_links (system, object, target_id, field, source_object, source_id, from_object, from_id, missing_as_null, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      const at = new Date().toISOString();
      return intents.map((intent) => {
        const result = insert.run(runId, system, intent.object, intent.sourceObject, intent.sourceId, intent.targetId, intent.operation, intent.hash, json(intent.prior), at);
        for (const deferred of intent.deferred ?? []) link.run(system, deferred.object, deferred.targetId, deferred.field, deferred.sourceObject, deferred.sourceId, deferred.fromObject, deferred.fromId, deferred.missingAsNull ? 1 : 0, runId);
        return Number(result.lastInsertRowid);
      });
    });
  }

  confirm(ids: number[]): void {
    this.write(`confirming ${ids.length} change(s)`, () => {
      for (let start = 0; start < ids.length; start += IDS_PER_QUERY) {
        const chunk = ids.slice(start, start + IDS_PER_QUERY);
        const list = chunk.map(() => '?').join(', ');
        // The id map follows created and updated records that have a source, from the pending rows being confirmed.
        this.db
          .prepare(
            `INSERT OR REPLACE INTO id_map (system, source_object, source_id, object, target_id, hash, run_id)
             SELECT system, source_object, source_id, object, target_id, hash, run_id FROM ledger
             WHERE id IN (${list}) AND state = 'pending' AND operation <> 'deleted' AND source_object IS NOT NULL AND source_id IS NOT NULL AND hash IS NOT NULL
             ORDER BY id`,
          )
          .run(...chunk);
        this.db.prepare(`UPDATE ledger SET state = 'done' WHERE id IN (${list}) AND state = 'pending'`).run(...chunk);
      }
    });
  }

  drop(ids: number[]): void {
    this.write(`forgetting ${ids.length} change(s) that did not happen`, () => {
      const get = this.db.prepare("SELECT * FROM ledger WHERE id = ? AND state = 'pending'");
      const remove = this.db.prepare('DELETE FROM ledger WHERE id = ?');
      const unlink = this.db.prepare('DELETE FROM deferred_links WHERE system = ? AND object = ? AND target_id = ?');
      for (const id of ids) {
        const row = get.get(id) as LedgerDbRow | undefined;
        if (!row) continue;
        remove.run(id);
        if (row.operation === 'created') unlink.run(row.system, row.object, row.target_id);
      }
    });
  }

  pending(system: string): LedgerEntry[] {
    return guard(this.file, 'reading pending changes', () =>
      (this.db.prepare("SELECT * FROM ledger WHERE system = ? AND state = 'pending' ORDER BY id").all(system) as LedgerDbRow[]).map(entryOf),
    );
  }

  record(runId: string, system: string, entries: LedgerIntent[]): void {
    this.write(`recording ${entries.length} change(s) of ${system}`, () => this.confirm(this.intend(runId, system, entries)));
  }

  targets(system: string, sourceObject: string, sourceIds: readonly string[]): Map<string, IdMapEntry> {
    return guard(this.file, `looking up migrated ${sourceObject} records`, () => {
      const found = new Map<string, IdMapEntry>();
      for (let start = 0; start < sourceIds.length; start += IDS_PER_QUERY) {
        const chunk = sourceIds.slice(start, start + IDS_PER_QUERY);
        const rows = this.db
          .prepare(`SELECT * FROM id_map WHERE system = ? AND source_object = ? AND source_id IN (${chunk.map(() => '?').join(', ')})`)
          .all(system, sourceObject, ...chunk) as IdMapDbRow[];
        for (const row of rows) found.set(row.source_id, mapEntryOf(row));
      }
      return found;
    });
  }

  idMap(system: string, object?: string): IdMapEntry[] {
    return guard(this.file, 'reading the id map', () => {
      const rows = object
        ? this.db.prepare('SELECT * FROM id_map WHERE system = ? AND object = ? ORDER BY rowid').all(system, object)
        : this.db.prepare('SELECT * FROM id_map WHERE system = ? ORDER BY rowid').all(system);
      return (rows as IdMapDbRow[]).map(mapEntryOf);
    });
  }

  unmap(system: string, object: string, targetIds: readonly string[]): void {
    this.write(`forgetting ${targetIds.length} migrated record(s) of ${object}`, () => {
      for (let start = 0; start < targetIds.length; start += IDS_PER_QUERY) {
        const chunk = targetIds.slice(start, start + IDS_PER_QUERY);
        this.db.prepare(`DELETE FROM id_map WHERE system = ? AND object = ? AND target_id IN (${chunk.map(() => '?').join(', ')})`).run(system, object, ...chunk);
      }
    });
  }

  deferredLinks(system: string): DeferredLink[] {
    return guard(this.file, 'reading references still to set', () =>
      (
        this.db.prepare('SELECT * FROM deferred_links WHERE system = ? ORDER BY object, target_id, field').all(system) as Array<Record<string, string>>
      ).map((row) => ({
        object: row.object as string,
        targetId: row.target_id as string,
        field: row.field as string,
        sourceObject: row.source_object as string,
        sourceId: row.source_id as string,
        fromObject: row.from_object as string,
        fromId: row.from_id as string,
        ...(Number(row.missing_as_null) === 1 ? { missingAsNull: true } : {}),
      })),
    );
  }

  clearLinks(system: string, links: ReadonlyArray<Pick<DeferredLink, 'object' | 'targetId' | 'field'>>): void {
    this.write(`forgetting ${links.length} reference(s) set`, () => {
      const remove = this.db.prepare('DELETE FROM deferred_links WHERE system = ? AND object = ? AND target_id = ? AND field = ?');
      for (const link of links) remove.run(system, link.object, link.targetId, link.field);
    });
  }

  entries(filter: LedgerFilter = {}): LedgerEntry[] {
    return guard(this.file, 'reading the ledger', () => {
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
      const sql = `SELECT * FROM ledger${clauses.length > 0 ? ` WHERE ${clauses.join(' AND ')}` : ''} ORDER BY id`;
      return (this.db.prepare(sql).all(...params) as LedgerDbRow[]).map(entryOf);
    });
  }

  touched(system: string): TouchedRecord[] {
    return guard(this.file, 'reading what cutover touched', () => {
      // SQLite gives a bare column the value of the row MIN() or MAX() chose.
      const ends = (aggregate: 'MIN' | 'MAX') =>
        this.db
          .prepare(`SELECT object, target_id, operation, ${aggregate}(id) AS at FROM ledger WHERE system = ? AND state = 'done' GROUP BY object, target_id`)
          .all(system) as Array<{ object: string; target_id: string; operation: LedgerOperation }>;
      const last = new Map(ends('MAX').map((row) => [`${row.object}\u0000${row.target_id}`, row.operation]));
      return ends('MIN').map((row) => ({
        object: row.object,
        targetId: row.target_id,
        first: row.operation,
        last: last.get(`${row.object}\u0000${row.target_id}`) ?? row.operation,
      }));
    });
  }

  entriesOf(system: string, object: string, targetIds: readonly string[]): LedgerEntry[] {
    return guard(this.file, `reading the ledger of ${object}`, () => {
      const entries: LedgerEntry[] = [];
      for (let start = 0; start < targetIds.length; start += IDS_PER_QUERY) {
        const chunk = targetIds.slice(start, start + IDS_PER_QUERY);
        const rows = this.db
          .prepare(`SELECT * FROM ledger WHERE system = ? AND object = ? AND state = 'done' AND target_id IN (${chunk.map(() => '?').join(', ')}) ORDER BY id`)
          .all(system, object, ...chunk) as LedgerDbRow[];
        entries.push(...rows.map(entryOf));
      }
      return entries.sort((a, b) => a.id - b.id);
    });
  }

  /** Runs `fn` in one transaction (joining an open one), as the state file's own errors when it fails. */
  private write<T>(doing: string, fn: () => T): T {
    return guard(this.file, doing, () => (this.db.inTransaction ? fn() : this.db.transaction(fn).immediate()));
  }
}

function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

function entryOf(row: LedgerDbRow): LedgerEntry {
  return {
    id: row.id,
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
