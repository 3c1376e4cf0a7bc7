/** The state store: what cutover did, in `<plan dir>/.cutover/state.db` or a shared PostgreSQL schema. */
export { StateStore, STATE_DIR, STATE_FILE, STATE_SCHEMA, type StateLocation, type StateOpenOptions } from './state-store.js';
export type { BackupReference, BackupRow, BackupStatus, BackupsRepository, VerificationRow } from './backups-repository.js';
export type { AuditEntry, AuditLog, AuditRecord } from './audit-log.js';
export { isSecretName, isSecretReference, REDACTED, redactArgs, redactText, redactValue } from './redact.js';
export { STATE_MIGRATIONS, STATE_SCHEMA_VERSION, type MigrateResult, type StateMigration } from './state-migrations.js';
export type { RunRow, RunStatus, RunsRepository } from './runs-repository.js';
export type { DeferredLink, IdMapEntry, LedgerEntry, LedgerFilter, LedgerIntent, LedgerOperation, LedgerRepository, TouchedRecord } from './ledger-repository.js';
export type { Baseline, BaselinesRepository } from './baselines-repository.js';
export type { GoLive, GoLivesRepository } from './go-lives-repository.js';
export { currentUser } from './audit-log.js';
export type { StoredEvaluation, Verdict, WatchRepository, WatchRound } from './watch-repository.js';
export type { Decision, DecisionsRepository } from './decisions-repository.js';
export type { Finding, FindingsRepository } from './findings-repository.js';
export type { RunStep, RunStepsRepository, StepStatus } from './run-steps-repository.js';
export type { Delivery, MessageFilter, MessageRecord, MessageStatus, MessageUpdate, MessagesRepository, StoredMessage } from './messages-repository.js';
