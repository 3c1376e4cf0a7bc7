/**
 * The backup archive: an encrypted, tamper-evident folder of chunks with a
 * manifest written last. See docs/archive-format.md for the format.
 */
export { ARCHIVE_FORMAT } from './format.js';
export type { ArchiveMeta, ArchiveKdf, ArchiveChunkEntry, ArchiveObjectEntry, ArchiveBlobEntry, ArchiveHeader, Manifest, ArchiveProblem, VerifyReport } from './format.js';
export { ArchiveWriter } from './archive-writer.js';
export { ArchiveReader } from './archive-reader.js';
export { verifyArchive, archiveState } from './verify.js';
export { DigestSum } from './digest-sum.js';
export { parseSecret } from './archive-crypto.js';
