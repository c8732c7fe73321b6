// The bytes of chosen zip entries, read from the central directory by hand so that each entry is held to what the
// directory declares: a deflate stream is stopped at the declared size (a longer stream is refused, not inflated),
// the length must match exactly, and the CRC-32 must match (corrupted storage is an error, not silently wrong weights).
import { crc32, inflateRawSync } from 'node:zlib';

export interface DirectoryEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const u16 = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8);
const u32 = (b: Uint8Array, at: number): number => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
const u64 = (b: Uint8Array, at: number): number => u32(b, at) + u32(b, at + 4) * 2 ** 32;
const MAX32 = 0xffffffff;

/** The central directory's entries by name (zip64 sizes and offsets included). `fail` throws the caller's error. */
export function centralDirectory(bytes: Uint8Array, fail: (what: string) => never): Map<string, DirectoryEntry> {
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (u32(bytes, i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) fail('no zip end-of-directory record');
  let count = u16(bytes, eocd + 10);
  let cdOffset = u32(bytes, eocd + 16);
  if ((count === 0xffff || cdOffset === MAX32) && eocd >= 20 && u32(bytes, eocd - 20) === 0x07064b50) {
    const z = u64(bytes, eocd - 12);
    if (z + 56 > bytes.length || u32(bytes, z) !== 0x06064b50) fail('broken zip64 end-of-directory record');
    count = u64(bytes, z + 32);
    cdOffset = u64(bytes, z + 48);
  }
  const out = new Map<string, DirectoryEntry>();
  let at = cdOffset;
  for (let k = 0; k < count; k++) {
    if (at + 46 > bytes.length || u32(bytes, at) !== 0x02014b50) fail(`zip directory entry ${k} lies outside the file or is corrupt`);
    const n = u16(bytes, at + 28), m = u16(bytes, at + 30), c = u16(bytes, at + 32);
    if (at + 46 + n + m + c > bytes.length) fail(`zip directory entry ${k} runs past the end of the file`);
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + n));
    const e: DirectoryEntry = { name, method: u16(bytes, at + 10), crc: u32(bytes, at + 16), compressedSize: u32(bytes, at + 20), size: u32(bytes, at + 24), localOffset: u32(bytes, at + 42) };
    // zip64 extra field (id 1): the 64-bit values of the fields that read 0xFFFFFFFF, in this order.
    for (let x = at + 46 + n; x + 4 <= at + 46 + n + m;) {
      const id = u16(bytes, x), len = u16(bytes, x + 2);
      if (id === 1) {
        let p = x + 4;
        if (e.size === MAX32 && p + 8 <= x + 4 + len) { e.size = u64(bytes, p); p += 8; }
        if (e.compressedSize === MAX32 && p + 8 <= x + 4 + len) { e.compressedSize = u64(bytes, p); p += 8; }
        if (e.localOffset === MAX32 && p + 8 <= x + 4 + len) e.localOffset = u64(bytes, p);
      }
      x += 4 + len;
    }
    out.set(name, e);
    at += 46 + n + m + c;
  }
  return out;
}

/** One entry's bytes: exactly its declared size, inflated no further than that, with its CRC-32 checked. */
export function entryBytes(bytes: Uint8Array, e: DirectoryEntry, fail: (what: string) => never): Uint8Array {
  const at = e.localOffset;
  if (at + 30 > bytes.length || u32(bytes, at) !== 0x04034b50) fail(`zip entry '${e.name}': its local header lies outside the file or is corrupt`);
  const start = at + 30 + u16(bytes, at + 26) + u16(bytes, at + 28);
  if (start + e.compressedSize > bytes.length) fail(`zip entry '${e.name}': ${e.compressedSize} stored bytes run past the end of the file (truncated archive)`);
  const raw = bytes.subarray(start, start + e.compressedSize);
  let data: Uint8Array;
  if (e.method === 0) {
    if (e.compressedSize !== e.size) fail(`stored zip entry '${e.name}' has sizes ${e.compressedSize} and ${e.size}`);
    data = raw.slice();
  } else if (e.method === 8) {
    try {
      data = inflateRawSync(raw, { maxOutputLength: Math.max(e.size, 1) });
    } catch (err) {
      const code = (err as { code?: string }).code;
      fail(`zip entry '${e.name}' ${code === 'ERR_BUFFER_TOO_LARGE' ? `inflates past its declared ${e.size} bytes` : `is not valid deflate data (${(err as Error).message})`}`);
    }
    if (data!.length !== e.size) fail(`zip entry '${e.name}' should hold ${e.size} bytes, inflates to ${data!.length} (truncated archive)`);
  } else {
    return fail(`zip entry '${e.name}' uses compression method ${e.method}; only stored and deflate are read`);
  }
  const got = crc32(data!) >>> 0;
  if (got !== e.crc) fail(`zip entry '${e.name}' fails its CRC-32 check (${hex(got)}, the archive says ${hex(e.crc)}): the file is corrupted`);
  return data!;
}

const hex = (v: number): string => `0x${v.toString(16).padStart(8, '0')}`;
