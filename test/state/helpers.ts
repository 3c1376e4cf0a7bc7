/** Temp folders and state stores for state tests: real files and a real PostgreSQL, removed after each test. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { StateStore } from '../../src/state/index.js';
import { createTestDatabase } from '../support/databases.js';

/** A new empty folder, removed when the test ends. */
export function useTempDirs(): () => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cutover-state-'));
    dirs.push(dir);
    return dir;
  };
}

/** The state stores cutover has: the embedded file and a shared PostgreSQL. */
export const STATE_KINDS = ['sqlite', 'postgres'] as const;
export type StateKind = (typeof STATE_KINDS)[number];

/** Where a test's state lives, to open it again (as a second command would) and to remove it. */
export interface TestState {
  kind: StateKind;
  open(): Promise<StateStore>;
  /** For PostgreSQL, the URL of the database that holds the schema. */
  url?: string;
  drop(): Promise<void>;
}

/** A new, empty state of the kind: a file in a temp folder, or a fresh PostgreSQL database. */
export async function createTestState(kind: StateKind): Promise<TestState> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cutover-state-'));
    return { kind, open: () => StateStore.openFile(path.join(dir, 'state.db')), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const database = await createTestDatabase('postgres');
  return { kind, url: database.url, open: () => StateStore.openPostgres({ url: database.url }), drop: database.drop };
}

/**
 * A state store opened before each test of the kind and closed and removed
 * after it: `const state = useTestState(kind); … state().backups…`.
 */
export function useTestState(kind: StateKind, hooks: { beforeEach: (fn: () => Promise<void>) => void; afterEach: (fn: () => Promise<void>) => void }): () => StateStore {
  let current: { test: TestState; store: StateStore } | undefined;
  hooks.beforeEach(async () => {
    const test = await createTestState(kind);
    current = { test, store: await test.open() };
  });
  hooks.afterEach(async () => {
    if (!current) return;
    await current.store.close();
    await current.test.drop();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error('the state store is opened before each test');
    return current.store;
  };
}
