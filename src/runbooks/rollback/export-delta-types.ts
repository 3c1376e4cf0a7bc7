/** The delta export's shapes: one delta record, the counts per object mapping, the options and the result. */
import type { Connector } from '../../connectors/contract.js';
import type { CompiledMapping } from '../../core/mapping/index.js';
import type { LossyNote, NewRecordLink } from '../../core/mapping/reverse-mapping.js';
import type { Value } from '../../core/values.js';
import type { LoadedPlan } from '../../plan/load-plan.js';
import type { GoLive, StateStore } from '../../state/index.js';
import type { MigrationSource } from '../migrate/migration-source.js';

/** What happened to a record in the target after go-live. */
export type DeltaChange = 'created' | 'updated' | 'deleted';

/** Who made a change: the target user, and the source user matched to them when there is one. */
export interface DeltaUser {
  /** The target user's id. */
  id: string;
  email: string | null;
  name: string | null;
  /** The source user matched to the target user, when exactly one is. */
  sourceUserId: string | null;
}

/** One target field changed since the migration wrote it. */
export interface TargetFieldChange {
  field: string;
  /** What the migration wrote (the source backup record transformed again). */
  before: Value;
  /** What the target holds now. */
  after: Value;
}

/** One record of the delta, in the source's terms. */
export interface DeltaRecord {
  change: DeltaChange;
  targetObject: string;
  targetId: string;
  sourceObject: string;
  /** The migrated source record (by the id map); null for a created record, which has none yet. */
  sourceId: string | null;
  /**
   * Source field values: every field the mapping reads back for a created
   * record; the changed fields' new values for an updated one; none for a
   * deleted one. A lossy field with no best value is absent (see `lossy`).
   */
  values: Record<string, Value>;
  /** Updated: the changed source fields as the backup the migration read holds them (lossy ones too). */
  before?: Record<string, Value>;
  /** Updated: the target fields changed since the migration, what it wrote and what they hold now. */
  targetChanges?: TargetFieldChange[];
  /** Source fields referring to records created after go-live (in the same export): set once those exist in the source. */
  links: NewRecordLink[];
  /** Source fields that cannot be told exactly, with why. */
  lossy: LossyNote[];
  /** Source fields set to a value that may differ from what the source would hold. */
  approximate: LossyNote[];
  /**
   * Created: values people gave target fields the mapping does not fill, so
   * no source field receives them (a record holding any is counted lossy).
   * System fields (id, stamps, soft-delete flag, audit users) and values
   * equal to the field's default are left out.
   */
  targetOnly: Array<{ field: string; value: Value }>;
  /** When, by the target's modified-at field (else created-at); null when the target does not say (a record deleted for good). */
  at: string | null;
  /** Who, by the target's modified-by field, else the owner; null when the target does not say. */
  by: DeltaUser | null;
}

/** Target records of an object passed over, by reason: every record read is accounted for. */
export interface DeltaSkips {
  /** In the target's baseline snapshot: there before the migration, not people's work since go-live. */
  baseline: number;
  /** Unknown to the id map and created before go-live (between the migration and go-live). */
  beforeGoLive: number;
  /** Created after go-live and deleted again. */
  createdAndDeleted: number;
  /** Assigned to another object mapping of the same target object (its `where` took the record back). */
  otherMapping: number;
  /** Migrated records whose target fields changed, but whose source fields all come back as they were. */
  sourceUnchanged: number;
  /** Migrated records the mapping cannot transform again (what the migration wrote is not known). */
  notComparable: number;
}

/** The delta of one object mapping. */
export interface ObjectDelta {
  source: string;
  target: string;
  created: number;
  updated: number;
  deleted: number;
  /** Records with at least one lossy field, or a target-only value. */
  lossy: number;
  /** Records with at least one approximate field. */
  approximate: number;
  /** Migrated records compared (those in the backup the mapping takes and the id map holds). */
  compared: number;
  skipped: DeltaSkips;
}

/** Settings of {@link exportDelta}. */
export interface ExportDeltaOptions {
  /** The loaded plan: its mapping, systems and backup key. */
  plan: LoadedPlan;
  state: StateStore;
  /** The go-live the delta is measured from (`state.goLives.latest(target)`). */
  goLive: GoLive;
  /** The target system, open. */
  target: Connector;
  /**
   * What the migration read: the records the mapping is run on again to
   * learn what was written, the source's description and users. Default: the
   * backup the go-live's migration read (else the go-live's backup), opened
   * with the backup key.
   */
  source?: MigrationSource;
  /** The mapping compiled against both systems. Default: compiled from the plan with `compilePlanMapping`. */
  mapping?: CompiledMapping;
  /** Folder the export's folder is made in. */
  output: string;
  /** The backup key, for the source backup, the baseline snapshot and the export's own archive (`backupSecret`). */
  secret: string;
  /** Count everything, write nothing. Default false. */
  dryRun?: boolean;
  signal?: AbortSignal;
  /** Records per read; default 1000. */
  batchSize?: number;
  /** Environment for the plan's secrets; default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** What {@link exportDelta} found and wrote. */
export interface ExportDeltaResult {
  /** The export's id (its folder's name). */
  id: string;
  dryRun: boolean;
  /** The export's folder; absent for a dry run. */
  path?: string;
  /** The encrypted archive of the delta; absent for a dry run. */
  archive?: string;
  /** One CSV per source object; empty for a dry run. */
  csv: Array<{ object: string; path: string; rows: number }>;
  /** The archive verified after writing. */
  verified: boolean;
  goLive: { id: string; at: string };
  source: string;
  target: string;
  /** The backup whose records tell what the migration wrote. */
  comparedWith: string;
  /** The target's baseline snapshot, when one is recorded. */
  baseline: string | null;
  objects: ObjectDelta[];
  totals: { created: number; updated: number; deleted: number; lossy: number };
  measuredAt: string;
  seconds: number;
}
