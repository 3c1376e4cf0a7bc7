/**
 * The shapes of a backup archive's plaintext parts: the header written at
 * create (`archive.json`), the manifest written last (`manifest.json`) and
 * the names of the files in an archive folder. `docs/archive-format.md`
 * describes the format byte by byte.
 */

/** Format name and version, in every header, manifest and chunk. */
export const ARCHIVE_FORMAT = 'cutover-backup/1';

/** Format name of the plaintext inside a chunk, after decryption and decompression. */
export const CHUNK_FORMAT = 'cutover-chunk/1';

/** File names inside an archive folder. */
export const FILES = {
  /** Plaintext header with the meta and key derivation parameters; written at create. */
  header: 'archive.json',
  /** The manifest; its presence is what makes an archive complete. */
  manifest: 'manifest.json',
  /** One line per finished chunk while the archive is being written; removed by finish. */
  journal: 'journal.jsonl',
  /** Encrypted chunk files end with this. */
  chunkSuffix: '.chunk',
} as const;

/** What the caller says about an archive when it creates it. */
export interface ArchiveMeta {
  /** Unique id of the backup; bound into every chunk's authentication. */
  id: string;
  /** Name of the system in the plan. */
  system: string;
  /** Connector kind, e.g. `sqlite`. */
  connector: string;
  /** `full` holds every record; `incremental` only what changed since `since`, on top of `base`. */
  kind: 'full' | 'incremental';
  /** For an incremental backup: the id of the backup it builds on. */
  base?: string;
  /** For an incremental backup: ISO 8601 moment from which changes were read. */
  since?: string;
  /** ISO 8601 moment the backup started. */
  startedAt: string;
}

/**
 * How the keys of an archive were derived from the secret. The master key is
 * the secret itself (`raw`) or scrypt of it (`scrypt`); the chunk key and the
 * MAC key are HKDF-SHA256 of the master key with this archive's salt.
 */
export interface ArchiveKdf {
  /** `raw`: the secret is a 32-byte key (base64 or hex); `scrypt`: it is a passphrase. */
  type: 'raw' | 'scrypt';
  /** scrypt parameters, only for `type: 'scrypt'`; `salt` is 32 bytes as hex. */
  scrypt?: { n: number; r: number; p: number; salt: string };
  /** HKDF-SHA256 parameters: `salt` 32 bytes as hex, and the `info` texts of each subkey. */
  hkdf: { hash: 'sha256'; salt: string; chunkInfo: string; macInfo: string };
}

/** One encrypted chunk of records, in archive order. */
export interface ArchiveChunkEntry {
  /** File name in the archive folder. */
  file: string;
  /** SHA-256 of the file's bytes, hex. */
  sha256: string;
  /** Size of the file. */
  bytes: number;
  /** Records in the chunk. */
  records: number;
  /** Id of the chunk's last record, so a reader can resume after it. */
  lastId: string;
}

/** One object of an archive. */
export interface ArchiveObjectEntry {
  name: string;
  idField: string;
  /** Field names, in the order the system describes them. */
  fields: string[];
  /** Records stored, soft-deleted ones included. */
  records: number;
  /** Records stored with the deleted flag. */
  deleted: number;
  /** SetDigest (hex) of the records' hashes: comparable with the live system's. */
  digest: string;
  /** Chunks in archive order. */
  chunks: ArchiveChunkEntry[];
}

/** One blob (schema, users, configuration, deleted ids…) of an archive. */
export interface ArchiveBlobEntry {
  name: string;
  file: string;
  sha256: string;
  bytes: number;
}

/** The header written at create: meta and key derivation, authenticated by `mac`. */
export interface ArchiveHeader extends ArchiveMeta {
  format: string;
  kdf: ArchiveKdf;
  /** HMAC-SHA256, hex, with the MAC key over `header\n` + the canonical JSON of the other fields. */
  mac: string;
}

/** The manifest of a complete archive. */
export interface Manifest extends ArchiveMeta {
  /** Always {@link ARCHIVE_FORMAT} for this version. */
  format: string;
  /** ISO 8601 moment the manifest was written. */
  finishedAt: string;
  kdf: ArchiveKdf;
  /** Objects in the order they were written. */
  objects: ArchiveObjectEntry[];
  /** Blobs, sorted by name. */
  blobs: ArchiveBlobEntry[];
  /** Records of all objects. */
  records: number;
  /** Bytes of all chunk and blob files. */
  bytes: number;
  /** Whatever the caller passed to `finish` (plain JSON). */
  extra: Record<string, unknown>;
  /** HMAC-SHA256, hex, with the MAC key over `manifest\n` + the canonical JSON of the other fields. */
  mac: string;
}

/** A finding of {@link verifyArchive}, naming the object and chunk file when it is about one. */
export interface ArchiveProblem {
  object?: string;
  chunk?: string;
  message: string;
}

/** The result of {@link verifyArchive}. */
export interface VerifyReport {
  /** No problems. */
  ok: boolean;
  problems: ArchiveProblem[];
  /** Chunk and blob files checked. */
  chunks: number;
  /** Records read back. */
  records: number;
  /** Bytes of files read. */
  bytes: number;
  seconds: number;
}
