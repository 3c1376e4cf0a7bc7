/**
 * Opening a complete archive: its manifest, the keys from the secret, and
 * the manifest's MAC. When the MAC fails, a chunk is tried with the keys to
 * tell a wrong key (nothing decrypts) from an edited manifest.
 */
import { readdir, stat } from 'node:fs/promises';
import type { CutoverError } from '../core/errors.js';
import { archiveKeys } from './archive-crypto.js';
import { archiveCorruptError, archiveIncompleteError, archiveKeyError, archiveNotFoundError } from './archive-errors.js';
import { anyChunkOpens, type ArchiveContext } from './chunk-io.js';
import { FILES, type Manifest } from './format.js';
import { macValid, readManifest } from './manifest.js';

/** An archive opened, or why not; `ctx` is there when the key is right even though the manifest was edited. */
export type ArchiveOpening = { ok: true; manifest: Manifest; ctx: ArchiveContext } | { ok: false; error: CutoverError; manifest?: Manifest; ctx?: ArchiveContext };

/** Why a folder without a manifest has none: absent, or an unfinished archive. */
async function missingManifestError(dir: string): Promise<CutoverError> {
  try {
    if (!(await stat(dir)).isDirectory()) return archiveNotFoundError(`The backup folder ${dir}`);
  } catch {
    return archiveNotFoundError(`The backup folder ${dir}`);
  }
  const names = await readdir(dir).catch(() => [] as string[]);
  const started = names.some((name) => name === FILES.header || name === FILES.journal || name.endsWith(FILES.chunkSuffix));
  return started ? archiveIncompleteError(dir) : archiveNotFoundError(`A backup in ${dir}`);
}

/** The files of the first chunks, to probe the key with. */
export function probeFiles(manifest: Manifest): string[] {
  return [...manifest.objects.flatMap((object) => object.chunks.map((chunk) => chunk.file)), ...manifest.blobs.map((blob) => blob.file)].slice(0, 3);
}

/** Opens an archive without throwing for what it finds. */
export async function openArchive(dir: string, secret: string): Promise<ArchiveOpening> {
  let manifest: Manifest | null;
  try {
    manifest = await readManifest(dir);
  } catch (error) {
    return { ok: false, error: error as CutoverError };
  }
  if (!manifest) return { ok: false, error: await missingManifestError(dir) };
  const keys = await archiveKeys(secret, manifest.kdf);
  if (!keys) return { ok: false, error: archiveKeyError(manifest.id), manifest };
  const ctx: ArchiveContext = { dir, id: manifest.id, keys };
  if (macValid('manifest', manifest, keys.mac)) return { ok: true, manifest, ctx };
  if (await anyChunkOpens(ctx, probeFiles(manifest))) {
    return { ok: false, error: archiveCorruptError(manifest.id, `${FILES.manifest} was changed after it was written: its MAC does not match.`), manifest, ctx };
  }
  return { ok: false, error: archiveKeyError(manifest.id), manifest };
}
