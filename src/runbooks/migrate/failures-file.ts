/**
 * The records a migration could not write, with the reason, in two files
 * next to the run: `failures.csv` for people, `failures.jsonl` (one JSON
 * object per line) for tools. Written as they happen, so a run of any size
 * keeps only a count and a few examples in memory.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { csvLine } from '../../report/csv.js';

/** One record that failed, and why. */
export interface MigrationFailure {
  /** The target object. */
  object: string;
  sourceObject: string;
  sourceId: string;
  /** Target id, when the record exists in the target (a failed update or reference). */
  targetId?: string;
  /** Where it failed: transform (the mapping), create, update, link (second pass). */
  step: 'transform' | 'create' | 'update' | 'link';
  /** The target field, when one field is to blame. */
  field?: string;
  /** The mapping rule or error code. */
  rule: string;
  message: string;
}

const COLUMNS: Array<keyof MigrationFailure> = ['object', 'sourceObject', 'sourceId', 'targetId', 'step', 'field', 'rule', 'message'];
/** Failures kept in memory as examples for the report. */
const EXAMPLES = 20;

/** The failure files of one run; created on the first failure. */
export class FailuresFile {
  readonly csv: string;
  readonly jsonl: string;
  count = 0;
  readonly examples: MigrationFailure[] = [];
  private files: { csv: number; jsonl: number } | undefined;

  constructor(readonly dir: string) {
    this.csv = path.join(dir, 'failures.csv');
    this.jsonl = path.join(dir, 'failures.jsonl');
  }

  add(failure: MigrationFailure): void {
    this.count += 1;
    if (this.examples.length < EXAMPLES) this.examples.push(failure);
    if (!this.files) {
      mkdirSync(this.dir, { recursive: true });
      this.files = { csv: openSync(this.csv, 'w'), jsonl: openSync(this.jsonl, 'w') };
      writeSync(this.files.csv, csvLine(COLUMNS));
    }
    writeSync(this.files.csv, csvLine(COLUMNS.map((column) => failure[column])));
    writeSync(this.files.jsonl, `${JSON.stringify(failure)}\n`);
  }

  close(): void {
    if (!this.files) return;
    closeSync(this.files.csv);
    closeSync(this.files.jsonl);
    this.files = undefined;
  }
}
