// Content-addressed blobs (sha256 of the bytes): model file, data batches, directions, the bundle manifest.
// They live in `<run dir>/blobs/` (workers that share the run directory read them there) and, when shipped, under
// per-run Redis keys (workers without shared storage fetch them from Redis). Every read is checked against its hash.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { blobKey } from './protocol.js';

export const BLOB_DIR = 'blobs';

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function blobPath(dir: string, hash: string): string {
  return join(dir, BLOB_DIR, hash);
}

/** Writes the blob once (atomically); an existing blob of that hash is the same bytes and is left alone. */
export async function writeBlobFile(dir: string, bytes: Uint8Array): Promise<string> {
  const hash = sha256(bytes);
  const path = blobPath(dir, hash);
  try {
    await stat(path);
    return hash;
  } catch {
    // not there yet
  }
  await mkdir(join(dir, BLOB_DIR), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
  return hash;
}

export interface BlobSource {
  /** Run directory as the coordinator named it (shared storage), if this process can see it. */
  dir: string;
  runKey: string;
  redis?: Redis;
}

/** The blob's bytes from the shared run directory, else from Redis; refuses bytes that do not match the hash. */
export async function readBlob(hash: string, src: BlobSource, what: string): Promise<Uint8Array> {
  // The hash comes from a manifest that anyone with access to Redis could have written: never a path.
  if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error(`${what}: blob name ${JSON.stringify(hash).slice(0, 80)} is not a sha256 hex digest`);
  let bytes: Uint8Array | undefined;
  let where = blobPath(src.dir, hash);
  try {
    bytes = await readFile(where);
  } catch {
    if (src.redis) {
      where = `redis key ${blobKey(src.runKey, hash)}`;
      bytes = (await src.redis.getBuffer(blobKey(src.runKey, hash))) ?? undefined;
    }
  }
  if (!bytes) {
    throw new Error(`${what} (blob ${hash.slice(0, 12)}…) is neither in ${blobPath(src.dir, hash)} (is the run directory shared with this worker at the same path?) nor in Redis (start the run with --ship to send it through Redis)`);
  }
  const got = sha256(bytes);
  if (got !== hash) throw new Error(`${what}: ${where} has sha256 ${got.slice(0, 12)}…, expected ${hash.slice(0, 12)}… (corrupt or overwritten)`);
  return bytes;
}

/** Copies blobs to Redis under this run's keys (skipping those already there); returns the keys. */
export async function shipBlobs(redis: Redis, runKey: string, blobs: ReadonlyMap<string, Uint8Array>): Promise<string[]> {
  const keys: string[] = [];
  for (const [hash, bytes] of blobs) {
    const key = blobKey(runKey, hash);
    await redis.set(key, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'NX');
    keys.push(key);
  }
  return keys;
}
