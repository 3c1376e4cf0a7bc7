/**
 * Writing files so that a crash leaves either the old state or the new one:
 * data is fsync'd before it counts, renames are fsync'd through the folder.
 */
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { archiveIoError } from './archive-errors.js';

/** Writes a file and fsyncs its data before resolving. */
export async function writeDurable(file: string, data: Uint8Array | string, flags: 'w' | 'a' = 'w'): Promise<void> {
  try {
    const handle = await open(file, flags);
    try {
      await handle.writeFile(data);
      await handle.datasync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw archiveIoError('write', file, error);
  }
}

/** Fsyncs a folder, so that renames and new files in it survive a crash. */
export async function syncFolder(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    // Some platforms (Windows) cannot open or fsync a folder; there a rename is as durable as it gets.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw archiveIoError('sync the folder', dir, error);
  } finally {
    await handle?.close();
  }
}

/** Replaces `dir/name` atomically: temp file, fsync, rename, fsync of the folder. */
export async function writeAtomic(dir: string, name: string, data: Uint8Array | string): Promise<void> {
  const target = path.join(dir, name);
  const temp = `${target}.tmp`;
  await writeDurable(temp, data);
  try {
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw archiveIoError('rename', temp, error);
  }
  await syncFolder(dir);
}

/** Reads a file, or null when it does not exist. */
export async function readIfExists(file: string): Promise<Buffer | null> {
  try {
    const handle = await open(file, 'r');
    try {
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw archiveIoError('read', file, error);
  }
}
