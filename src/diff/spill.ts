/**
 * Partitioned scratch storage for diff: entries of (id, payload) are spread
 * over partitions by a hash of the id, so that each partition of one side
 * can be held in memory while the same partition of the other side is
 * streamed against it.
 *
 * Small sets stay in memory. Larger ones go to files in a fresh folder made
 * by mkdtemp (mode 0700), each file created with mode 0600 and encrypted
 * with AES-256-GCM under a random key made for this run and held only in
 * memory: the compare pass writes ids and hashes, the changed-fields pass
 * writes whole records, and a crash that leaves files behind (the folder is
 * removed in a `finally`, but SIGKILL skips that) must not leave readable
 * CRM data in a temp folder. The cost is small next to reading the records
 * (measured in bench/diff.mjs).
 */
import { createCipheriv, createDecipheriv, randomBytes, type CipherGCM } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { CutoverError } from '../core/errors.js';

/** Bytes buffered per partition before encrypting and writing them. */
const WRITE_BUFFER = 32 * 1024;
/** Upper bound on partitions, so that both sides' open files stay well under common descriptor limits. */
export const MAX_PARTITIONS = 256;

/** The partition of an id: FNV-1a over its UTF-16 code units, modulo the number of partitions. */
export function partitionOf(id: string, partitions: number): number {
  if (partitions <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i += 1) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}

/** Partitions needed so that each holds about `perPartition` of `records` entries (1 to {@link MAX_PARTITIONS}). */
export function partitionsFor(records: number, perPartition: number): number {
  return Math.min(MAX_PARTITIONS, Math.max(1, Math.ceil(records / perPartition)));
}

/** One run's scratch folder and key; every {@link Spill} of the run lives in it. */
export class SpillFolder {
  private dir: string | undefined;
  private readonly key = randomBytes(32);
  private next = 0;
  private readonly spills: Spill[] = [];

  constructor(private readonly parent: string) {}

  /** A new spill of `partitions` partitions, on disk or, when `inMemory`, in memory. */
  create(partitions: number, inMemory: boolean): Spill {
    let spill: Spill;
    if (inMemory) spill = new MemorySpill(partitions);
    else {
      this.dir ??= this.makeDir();
      this.next += 1;
      spill = new FileSpill(path.join(this.dir, `spill-${this.next}`), partitions, this.key);
    }
    this.spills.push(spill);
    return spill;
  }

  /** Discards every spill and removes the folder with everything in it. */
  remove(): void {
    for (const spill of this.spills.splice(0)) spill.discard();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  private makeDir(): string {
    try {
      return mkdtempSync(path.join(this.parent, 'cutover-diff-'));
    } catch (error) {
      throw new CutoverError('io.failed', `Cannot create a temporary folder for diff in ${this.parent}.`, {
        hints: ['free space there, or point TMPDIR at a writable folder'],
        cause: error,
      });
    }
  }
}

/** Entries (id, payload) spread over partitions: written once, then read partition by partition. */
export interface Spill {
  readonly partitions: number;
  /** Adds one entry to the id's partition. */
  add(id: string, payload: Uint8Array): void;
  /** Ends writing; needed before {@link Spill.forEach}. */
  finish(): void;
  /** Calls `visit` for each entry of one partition, in the order added; `payload` is only valid during the call. */
  forEach(partition: number, visit: (id: string, payload: Buffer) => void): void;
  /** Drops what is held and closes open files (the folder's removal deletes them). */
  discard(): void;
}

/** Entry layout: id length (u32), payload length (u32), id (UTF-8), payload. */
function encodeInto(buffer: Buffer, at: number, id: string, idBytes: number, payload: Uint8Array): number {
  buffer.writeUInt32LE(idBytes, at);
  buffer.writeUInt32LE(payload.byteLength, at + 4);
  buffer.write(id, at + 8, idBytes, 'utf8');
  buffer.set(payload, at + 8 + idBytes);
  return at + 8 + idBytes + payload.byteLength;
}

function decodeAll(data: Buffer, visit: (id: string, payload: Buffer) => void): void {
  let at = 0;
  while (at < data.length) {
    const idBytes = data.readUInt32LE(at);
    const payloadBytes = data.readUInt32LE(at + 4);
    const idStart = at + 8;
    const payloadStart = idStart + idBytes;
    visit(data.toString('utf8', idStart, payloadStart), data.subarray(payloadStart, payloadStart + payloadBytes));
    at = payloadStart + payloadBytes;
  }
}

/** Buffers entries per partition and hands full buffers to {@link BufferedSpill.store}. */
abstract class BufferedSpill implements Spill {
  private readonly buffers: Array<Buffer | undefined>;
  private readonly used: number[];

  constructor(readonly partitions: number) {
    this.buffers = new Array<Buffer | undefined>(partitions).fill(undefined);
    this.used = new Array<number>(partitions).fill(0);
  }

  add(id: string, payload: Uint8Array): void {
    const partition = partitionOf(id, this.partitions);
    const idBytes = Buffer.byteLength(id, 'utf8');
    const size = 8 + idBytes + payload.byteLength;
    if (size > WRITE_BUFFER) {
      // Larger than a buffer (a big record in the changed-fields pass): stored on its own.
      this.flush(partition);
      const entry = Buffer.allocUnsafe(size);
      encodeInto(entry, 0, id, idBytes, payload);
      this.store(partition, entry);
      return;
    }
    let buffer = this.buffers[partition];
    if (buffer && (this.used[partition] as number) + size > buffer.length) {
      this.flush(partition);
      buffer = undefined;
    }
    if (!buffer) {
      buffer = Buffer.allocUnsafe(WRITE_BUFFER);
      this.buffers[partition] = buffer;
    }
    this.used[partition] = encodeInto(buffer, this.used[partition] as number, id, idBytes, payload);
  }

  finish(): void {
    for (let partition = 0; partition < this.partitions; partition += 1) this.flush(partition);
    this.buffers.fill(undefined);
  }

  abstract forEach(partition: number, visit: (id: string, payload: Buffer) => void): void;
  abstract discard(): void;

  /** Keeps (or writes) a filled buffer; it is not reused afterwards. */
  protected abstract store(partition: number, data: Buffer): void;

  private flush(partition: number): void {
    const buffer = this.buffers[partition];
    const used = this.used[partition] as number;
    if (!buffer || used === 0) return;
    this.store(partition, buffer.subarray(0, used));
    this.buffers[partition] = undefined;
    this.used[partition] = 0;
  }
}

class MemorySpill extends BufferedSpill {
  private readonly chunks: Buffer[][];

  constructor(partitions: number) {
    super(partitions);
    this.chunks = Array.from({ length: partitions }, () => []);
  }

  forEach(partition: number, visit: (id: string, payload: Buffer) => void): void {
    for (const chunk of this.chunks[partition] ?? []) decodeAll(chunk, visit);
    // A partition is read once: let it go.
    this.chunks[partition] = [];
  }

  discard(): void {
    for (const list of this.chunks) list.length = 0;
  }

  protected store(partition: number, data: Buffer): void {
    (this.chunks[partition] as Buffer[]).push(data);
  }
}

interface PartitionFile {
  file: string;
  fd: number | undefined;
  iv: Buffer;
  cipher: CipherGCM | undefined;
  tag: Buffer | undefined;
}

class FileSpill extends BufferedSpill {
  private readonly files: PartitionFile[];

  constructor(base: string, partitions: number, private readonly key: Buffer) {
    super(partitions);
    this.files = Array.from({ length: partitions }, (_, i) => ({ file: `${base}-${i}`, fd: undefined, iv: randomBytes(12), cipher: undefined, tag: undefined }));
  }

  override finish(): void {
    super.finish();
    for (const part of this.files) {
      if (part.cipher) {
        this.write(part, part.cipher.final());
        part.tag = part.cipher.getAuthTag();
        part.cipher = undefined;
      }
      this.closeFile(part);
    }
  }

  forEach(partition: number, visit: (id: string, payload: Buffer) => void): void {
    const part = this.files[partition] as PartitionFile;
    if (!part.tag) return;
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, part.iv);
      decipher.setAuthTag(part.tag);
      plain = Buffer.concat([decipher.update(readFileSync(part.file)), decipher.final()]);
    } catch (error) {
      throw new CutoverError('io.failed', `A temporary diff file (${part.file}) could not be read back intact.`, {
        hints: ['check the disk of the temporary folder, or point TMPDIR at another one'],
        cause: error,
      });
    }
    decodeAll(plain, visit);
  }

  discard(): void {
    for (const part of this.files) this.closeFile(part);
  }

  protected store(partition: number, data: Buffer): void {
    const part = this.files[partition] as PartitionFile;
    part.cipher ??= createCipheriv('aes-256-gcm', this.key, part.iv);
    this.write(part, part.cipher.update(data));
  }

  private write(part: PartitionFile, data: Buffer): void {
    if (data.length === 0) return;
    try {
      part.fd ??= openSync(part.file, 'wx', 0o600);
      let written = 0;
      while (written < data.length) written += writeSync(part.fd, data, written);
    } catch (error) {
      throw new CutoverError('io.failed', `Cannot write a temporary diff file in ${path.dirname(part.file)}.`, {
        hints: ['free space there, or point TMPDIR at another folder'],
        cause: error,
      });
    }
  }

  private closeFile(part: PartitionFile): void {
    if (part.fd !== undefined) closeSync(part.fd);
    part.fd = undefined;
  }
}
