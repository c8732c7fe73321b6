// Reads chosen entries of a zip archive (torch.save files are zips of stored, uncompressed entries) through fflate,
// with the archive treated as hostile: the central directory's sizes and entry count are checked before fflate
// allocates anything, so a forged header cannot make it reserve gigabytes or loop over billions of entries.
import { unzipSync } from 'fflate';
import { centralDirectory, entryBytes } from './zip-entries.js';
import { InputError } from '../errors.js';

export class ZipError extends InputError {
  override name = 'ZipError';
}

/** Most entries an archive may list (torch files hold one per storage; 10^5 is far beyond any real model). */
export const MAX_ENTRIES = 100_000;
/** Largest deflated entry accepted, and the largest ratio to its compressed size (deflate cannot exceed ~1032). */
const MAX_INFLATED = 256 * 2 ** 20;
const MAX_RATIO = 1100;

export interface ZipEntryInfo {
  name: string;
  size: number;
}

/** Lists an archive's entries (names and sizes) without extracting any. */
export function listZip(bytes: Uint8Array, source: string): ZipEntryInfo[] {
  const entries: ZipEntryInfo[] = [];
  scan(bytes, source, (info) => { entries.push({ name: info.name, size: info.originalSize }); return false; });
  return entries;
}

/**
 * Extracts the entries `want` selects; every other entry is only looked at. fflate checks the directory (counts,
 * sizes); the bytes come from zip-entries.ts, which stops inflating at the declared size and verifies CRC-32.
 */
export function readZip(bytes: Uint8Array, source: string, want: (name: string) => boolean): Map<string, Uint8Array> {
  let total = 0;
  const wanted: string[] = [];
  scan(bytes, source, (info) => {
    if (!want(info.name)) return false;
    total += info.originalSize;
    if (total > bytes.length + MAX_INFLATED) throw new ZipError(`${source}: the selected zip entries would inflate to more than ${bytes.length + MAX_INFLATED} bytes`);
    wanted.push(info.name);
    checkEntry(info, source);
    return false;
  });
  const fail = (what: string): never => { throw new ZipError(`${source}: ${what}`); };
  const directory = centralDirectory(bytes, fail);
  const out = new Map<string, Uint8Array>();
  for (const name of wanted) {
    const e = directory.get(name) ?? fail(`zip entry '${name}' is missing from the central directory`);
    out.set(name, entryBytes(bytes, e, fail));
  }
  return out;
}

interface Info {
  name: string;
  size: number;
  originalSize: number;
  compression: number;
}

function checkEntry(info: Info, source: string): void {
  const { name, size, originalSize, compression } = info;
  if (compression === 0 && originalSize !== size) throw new ZipError(`${source}: stored zip entry '${name}' has sizes ${size} and ${originalSize}`);
  if (compression === 8 && (originalSize > MAX_INFLATED || originalSize > MAX_RATIO * Math.max(size, 1))) {
    throw new ZipError(`${source}: compressed zip entry '${name}' claims ${originalSize} bytes from ${size}; refusing`);
  }
  if (compression !== 0 && compression !== 8) throw new ZipError(`${source}: zip entry '${name}' uses compression method ${compression}; only stored and deflate are read`);
}

function scan(bytes: Uint8Array, source: string, keep: (info: Info) => boolean): Record<string, Uint8Array> {
  if (bytes.length < 22) throw new ZipError(`${source}: ${bytes.length} bytes is too short for a zip archive`);
  let count = 0;
  const filter = (info: Info): boolean => {
    if (++count > MAX_ENTRIES) throw new ZipError(`${source}: the zip directory lists more than ${MAX_ENTRIES} entries`);
    const { name, size, originalSize, compression } = info;
    if (!Number.isSafeInteger(size) || !Number.isSafeInteger(originalSize) || size < 0 || originalSize < 0 || size > bytes.length) {
      throw new ZipError(`${source}: zip entry '${name}' claims ${originalSize} bytes (${size} stored) in a ${bytes.length}-byte file`);
    }
    return keep(info);
  };
  try {
    return unzipSync(bytes, { filter });
  } catch (e) {
    if (e instanceof ZipError) throw e;
    throw new ZipError(`${source}: not a readable zip archive (${(e as Error).message})`);
  }
}
