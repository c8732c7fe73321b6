// NumPy .npz archives (numpy.savez / savez_compressed): a zip of .npy members, stored or deflated,
// zip64 headers included. Member sizes are checked against a cap before anything is inflated.

import { unzipSync } from 'fflate';
import { DataError, formatCount as count } from './errors.js';
import { MAX_DATA_BYTES } from './files.js';
import { parseNpy, type NpyArray } from './npy.js';

/** Parses every .npy member; keys are member names without '.npy' ('x', 'y', 'x_train', …). */
export function parseNpz(bytes: Uint8Array, label: string, maxBytes = MAX_DATA_BYTES): Map<string, NpyArray> {
  let members: Record<string, Uint8Array>;
  let total = 0;
  const tooBig: string[] = [];
  try {
    members = unzipSync(bytes, {
      filter: (f) => {
        if (!f.name.endsWith('.npy')) return false;
        total += f.originalSize;
        if (f.originalSize > maxBytes || total > maxBytes) { tooBig.push(f.name); return false; }
        return true;
      },
    });
  } catch (e) {
    throw new DataError(`${label} is not a readable .npz (zip) archive: ${(e as Error).message} (file truncated or corrupt? save it with numpy.savez)`);
  }
  if (tooBig.length > 0) throw new DataError(`${label} member ${tooBig[0]} unpacks to more than the ${count(maxBytes)}-byte limit`);
  const arrays = new Map<string, NpyArray>();
  for (const [name, data] of Object.entries(members)) {
    arrays.set(name.slice(0, -'.npy'.length), parseNpy(data, `${label} member ${name}`));
  }
  if (arrays.size === 0) throw new DataError(`${label} holds no .npy arrays (save it with numpy.savez(FILE, x=…, y=…))`);
  return arrays;
}
