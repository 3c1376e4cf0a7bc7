/**
 * Where tests leave what a person may want to look at after a run
 * (screenshots of the dashboard): `test-artifacts/` at the repository's
 * root, or the folder CUTOVER_TEST_ARTIFACTS names. Not in version control.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';

/** The path of the artifact `name` under `group`, its folder created. */
export function artifactPath(group: string, name: string): string {
  const root = process.env['CUTOVER_TEST_ARTIFACTS'] ?? path.join(import.meta.dirname, '../../test-artifacts');
  const dir = path.join(root, group);
  mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}
