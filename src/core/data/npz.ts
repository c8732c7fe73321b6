// NumPy .npz archives (numpy.savez / savez_compressed): a zip of .npy members, stored or deflated, zip64 headers
// included. Read from the central directory by hand (ir/weights/zip-entries.ts): every member's declared size is
// checked against the cap before anything is inflated, a deflate stream is stopped at its declared size (a lying
// zip bomb is refused, naming its member) and every member's CRC-32 is checked.

import { centralDirectory, entryBytes } from '../../ir/weights/zip-entries.js';
import { DataError, formatCount as count } from './errors.js';
import { MAX_DATA_BYTES } from './files.js';
import { parseNpy, type NpyArray } from './npy.js';

/** Parses every .npy member; keys are member names without '.npy' ('x', 'y', 'x_train', …). */
export function parseNpz(bytes: Uint8Array, label: string, maxBytes = MAX_DATA_BYTES): Map<string, NpyArray> {
  const fail = (what: string): never => {
    throw new DataError(`${label} is not a readable .npz (zip) archive: ${what} (file truncated or corrupt? save it with numpy.savez)`);
  };
  const members = [...centralDirectory(bytes, fail).values()].filter((e) => e.name.endsWith('.npy'));
  let total = 0;
  for (const e of members) {
    if (e.size > maxBytes) throw new DataError(`${label} member ${e.name} unpacks to ${count(e.size)} bytes, more than the ${count(maxBytes)}-byte limit`);
    total += e.size;
    if (total > maxBytes) {
      throw new DataError(`${label} members unpack to more than the ${count(maxBytes)}-byte limit together: ${count(total - e.size)} bytes before member ${e.name}, which adds ${count(e.size)}`);
    }
  }
  const arrays = new Map<string, NpyArray>();
  for (const e of members) {
    const raw = entryBytes(bytes, e, (what) => { throw new DataError(`${label} member ${e.name}: ${what.replace(/^(stored )?zip entry '[^']*' ?/, '')}`); });
    // A plain Uint8Array that owns its memory: a Buffer's slice() is a view, which the readers' aligned copies need not be.
    const data = Buffer.isBuffer(raw) ? new Uint8Array(raw) : raw;
    arrays.set(e.name.slice(0, -'.npy'.length), parseNpy(data, `${label} member ${e.name}`));
  }
  if (arrays.size === 0) throw new DataError(`${label} holds no .npy arrays (save it with numpy.savez(FILE, x=…, y=…))`);
  return arrays;
}
