// Reading data files: existence and size checks, the sha256 of the bytes on disk, and gunzip with a cap
// on the output so that a corrupt or hostile file gives a DataError instead of a huge allocation.

import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readRegularFile, type FileRefusedError } from '../../ir/read-file.js';
import { DataError, formatCount as count } from './errors.js';
import type { FileDigest } from './dataset.js';

/** Largest file (after gunzip) a reader accepts: CIFAR-100 train.bin, the largest official file, is 154 MB. */
export const MAX_DATA_BYTES = 1 << 30;

export interface ReadOptions {
  /** Largest accepted size in bytes, before and after gunzip (default MAX_DATA_BYTES). */
  maxBytes?: number;
  /** What to do about a bad file, appended to messages, e.g. 're-install dataset-fashion-mnist'. */
  fix?: string;
}

export interface DataFile {
  /** Content, gunzipped when the file starts with the gzip magic bytes. */
  bytes: Uint8Array;
  digest: FileDigest;
}

/** Reads a file as `what` (the data set's name, for messages), gunzipping it when it is gzip. */
export function readDataFile(path: string, what: string, options: ReadOptions = {}): DataFile {
  const max = options.maxBytes ?? MAX_DATA_BYTES;
  const fix = options.fix ? ` (${options.fix})` : '';
  let raw: Uint8Array;
  try {
    raw = readRegularFile(path, { maxBytes: max, what: `${what}:` });
  } catch (e) {
    if ((e as FileRefusedError).code === 'ENOENT') throw new DataError(`${what}: ${path} not found${fix}`);
    throw new DataError(`${(e as Error).message}${fix}`);
  }
  const digest: FileDigest = { path, bytes: raw.length, sha256: createHash('sha256').update(raw).digest('hex') };
  return { bytes: isGzip(raw) ? gunzip(raw, `${what}: ${path}`, max, fix) : raw, digest };
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** gunzip with the output capped at maxBytes; every failure becomes a DataError naming `label`. */
export function gunzip(bytes: Uint8Array, label: string, maxBytes = MAX_DATA_BYTES, fix = ''): Uint8Array {
  if (bytes.length < 18) throw new DataError(`${label} is a gzip file of only ${count(bytes.length)} bytes (file truncated?)${fix}`);
  try {
    const out = gunzipSync(bytes, { maxOutputLength: maxBytes });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    const reason = (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE'
      ? `unpacks to more than ${count(maxBytes)} bytes`
      : `is not valid gzip: ${(e as Error).message}`;
    throw new DataError(`${label} ${reason} (file truncated or corrupt?)${fix}`);
  }
}

/**
 * First of `names` that exists under one of `dirs`; a DataError listing every path tried otherwise.
 * Several names cover the usual variants (gzip or not, 'train-images-idx3-ubyte' or 'train-images.idx3-ubyte').
 */
export function findFile(dirs: readonly string[], names: readonly string[], what: string, fix: string): string {
  const tried: string[] = [];
  for (const dir of dirs) {
    for (const name of names) {
      const p = join(dir, name);
      if (existsSync(p)) return p;
      tried.push(p);
    }
  }
  const shown = tried.length > 4 ? `${tried.slice(0, 4).join(', ')} (and ${tried.length - 4} more)` : tried.join(', ');
  throw new DataError(`${what}: no ${names[0]} found (looked for ${shown}; ${fix})`);
}

/** A directory exists, or a DataError naming it and the fix. */
export function requireDir(dir: string, what: string, fix: string): void {
  let ok = false;
  try { ok = statSync(dir).isDirectory(); } catch { ok = false; }
  if (!ok) throw new DataError(`${what}: directory ${dir} not found (${fix})`);
}
