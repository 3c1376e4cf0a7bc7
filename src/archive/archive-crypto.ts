/**
 * The cryptography of an archive: telling a raw key from a passphrase,
 * deriving the per-archive subkeys, sealing and opening chunks with
 * AES-256-GCM, and the HMAC of the plaintext parts.
 */
import * as nodeCrypto from 'node:crypto';
import { canonicalJson } from '../core/values.js';
import { ARCHIVE_FORMAT, type ArchiveKdf } from './format.js';
import { archiveKeyError } from './archive-errors.js';

/** scrypt cost for passphrases: N = 2^15, r = 8, p = 1 (about 32 MiB and 0.1 s). */
export const SCRYPT_PARAMS = { n: 2 ** 15, r: 8, p: 1 } as const;
/** Bytes of keys, salts, GCM nonces and GCM tags. */
export const KEY_BYTES = 32;
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
/**
 * Chunks one key may seal. With random 96-bit nonces, NIST SP 800-38D
 * allows 2^32 encryptions per key; each archive has its own key.
 */
export const MAX_CHUNKS_PER_KEY = 2 ** 32;

const HKDF_CHUNK_INFO = `${ARCHIVE_FORMAT} chunk key`;
const HKDF_MAC_INFO = `${ARCHIVE_FORMAT} mac key`;

/** The subkeys of one archive. */
export interface ArchiveKeys {
  /** AES-256-GCM key of every chunk and blob. */
  chunk: Buffer;
  /** HMAC-SHA256 key of the header, the journal lines and the manifest. */
  mac: Buffer;
}

/** What the secret text is: a raw 32-byte key, or a passphrase. */
export type ParsedSecret = { type: 'raw'; key: Buffer } | { type: 'scrypt'; passphrase: string };

/**
 * A raw key is exactly 64 hex characters, or 32 bytes in base64 (standard or
 * URL alphabet, padding optional); anything else is a passphrase.
 */
export function parseSecret(secret: string): ParsedSecret {
  const text = secret.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return { type: 'raw', key: Buffer.from(text, 'hex') };
  if (/^[A-Za-z0-9+/]{43}=?$/.test(text) || /^[A-Za-z0-9_-]{43}=?$/.test(text)) {
    const key = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    const canonical = key.toString('base64').replace(/=+$/, '');
    if (key.length === KEY_BYTES && canonical === text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '')) return { type: 'raw', key };
  }
  return { type: 'scrypt', passphrase: secret };
}

function scryptAsync(passphrase: string, salt: Buffer, params: { n: number; r: number; p: number }): Promise<Buffer> {
  // Node refuses scrypt above maxmem (default 32 MiB); 128·N·r is the need, twice that leaves room.
  const maxmem = 256 * params.n * params.r * params.p;
  return new Promise((resolve, reject) => {
    nodeCrypto.scrypt(passphrase, salt, KEY_BYTES, { N: params.n, r: params.r, p: params.p, maxmem }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

function subkeys(master: Buffer, kdf: ArchiveKdf): ArchiveKeys {
  const salt = Buffer.from(kdf.hkdf.salt, 'hex');
  const derive = (info: string) => Buffer.from(nodeCrypto.hkdfSync('sha256', master, salt, info, KEY_BYTES));
  return { chunk: derive(kdf.hkdf.chunkInfo), mac: derive(kdf.hkdf.macInfo) };
}

/** Fresh key derivation parameters (random salts) for a new archive, and its keys. */
export async function newArchiveKeys(secret: string): Promise<{ kdf: ArchiveKdf; keys: ArchiveKeys }> {
  if (secret.length === 0) throw archiveKeyError(undefined, 'The backup key is empty.');
  const parsed = parseSecret(secret);
  const hkdf = { hash: 'sha256' as const, salt: nodeCrypto.randomBytes(KEY_BYTES).toString('hex'), chunkInfo: HKDF_CHUNK_INFO, macInfo: HKDF_MAC_INFO };
  if (parsed.type === 'raw') {
    const kdf: ArchiveKdf = { type: 'raw', hkdf };
    return { kdf, keys: subkeys(parsed.key, kdf) };
  }
  const scrypt = { ...SCRYPT_PARAMS, salt: nodeCrypto.randomBytes(KEY_BYTES).toString('hex') };
  const kdf: ArchiveKdf = { type: 'scrypt', scrypt, hkdf };
  return { kdf, keys: subkeys(await scryptAsync(parsed.passphrase, Buffer.from(scrypt.salt, 'hex'), scrypt), kdf) };
}

/**
 * The keys of an existing archive. Returns null when the secret cannot be
 * this archive's key at all (a passphrase for an archive made with a raw key).
 */
export async function archiveKeys(secret: string, kdf: ArchiveKdf): Promise<ArchiveKeys | null> {
  if (kdf.type === 'raw') {
    const parsed = parseSecret(secret);
    return parsed.type === 'raw' ? subkeys(parsed.key, kdf) : null;
  }
  if (!kdf.scrypt) return null;
  // Only the parameters this version writes are accepted, so an edited header cannot make us burn memory.
  const { n, r, p } = kdf.scrypt;
  if (n !== SCRYPT_PARAMS.n || r !== SCRYPT_PARAMS.r || p !== SCRYPT_PARAMS.p) return null;
  return subkeys(await scryptAsync(secret, Buffer.from(kdf.scrypt.salt, 'hex'), kdf.scrypt), kdf);
}

/** The associated data of a chunk: UTF-8 of `<archive id>/<file name>`. */
export function chunkAad(archiveId: string, file: string): Buffer {
  return Buffer.from(`${archiveId}/${file}`, 'utf8');
}

/** Encrypts a chunk: the file bytes are nonce ‖ ciphertext ‖ tag. */
export function sealChunk(key: Buffer, aad: Buffer, plaintext: Uint8Array): Buffer {
  const nonce = nodeCrypto.randomBytes(NONCE_BYTES);
  const cipher = nodeCrypto.createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad);
  const body = cipher.update(plaintext);
  const last = cipher.final();
  return Buffer.concat([nonce, body, last, cipher.getAuthTag()], NONCE_BYTES + body.length + last.length + TAG_BYTES);
}

/** Decrypts a chunk file; null when the tag does not match (wrong key, tampering, wrong position). */
export function openChunk(key: Buffer, aad: Buffer, file: Uint8Array): Buffer | null {
  if (file.length < NONCE_BYTES + TAG_BYTES) return null;
  const bytes = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  const decipher = nodeCrypto.createDecipheriv('aes-256-gcm', key, bytes.subarray(0, NONCE_BYTES));
  decipher.setAAD(aad);
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  try {
    const body = decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES));
    const last = decipher.final();
    return last.length === 0 ? body : Buffer.concat([body, last]);
  } catch {
    return null;
  }
}

const oneShot = typeof nodeCrypto.hash === 'function' ? nodeCrypto.hash : undefined;

/** SHA-256 of bytes (the one-shot API where Node has it: it is about twice as fast per call). */
export function sha256(data: Uint8Array): Buffer {
  return oneShot ? oneShot('sha256', data, 'buffer') : nodeCrypto.createHash('sha256').update(data).digest();
}

/** SHA-256 of bytes, hex. */
export function sha256Hex(data: Uint8Array): string {
  return sha256(data).toString('hex');
}

/** What a MAC authenticates; part of the MACed text so one part cannot stand in for another. */
export type MacPurpose = 'header' | 'journal' | 'manifest';

/** HMAC-SHA256 (hex) over `<purpose>\n<canonical JSON of body>`; `body` must not hold the `mac` field. */
export function macHex(key: Buffer, purpose: MacPurpose, body: unknown): string {
  return nodeCrypto.createHmac('sha256', key).update(`${purpose}\n${canonicalJson(JSON.stringify(body))}`, 'utf8').digest('hex');
}

/** Compares two hex MACs in constant time. */
export function macMatches(expected: string, actual: unknown): boolean {
  if (typeof actual !== 'string' || actual.length !== expected.length || !/^[0-9a-f]*$/.test(actual)) return false;
  return nodeCrypto.timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(actual, 'hex'));
}
