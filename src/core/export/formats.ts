// The file formats of a curve or surface, as one table: `terrain export --format` and the viewer's downloads (and its
// menu) read it, so a new format is one entry here (its writer beside it) and nothing else to wire.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeLandscapeH5, type H5WriteOptions } from './hdf5.js';
import { landscapeCsv, landscapeNpy, landscapeVtp, type Landscape } from './landscape.js';

export interface LandscapeFormat {
  /** File name extension, without the dot. */
  ext: string;
  /** The Content-Type of a download. */
  contentType: string;
  /** Writes (or overwrites) `path`. Writers take a path because h5wasm writes files only; `h5` is for the HDF5 one. */
  write(path: string, l: Landscape, h5: H5WriteOptions): Promise<void>;
}

export const LANDSCAPE_FORMAT_NAMES = ['csv', 'npy', 'vtp', 'h5'] as const;
export type LandscapeFormatName = (typeof LANDSCAPE_FORMAT_NAMES)[number];

export const LANDSCAPE_FORMATS: Readonly<Record<LandscapeFormatName, LandscapeFormat>> = {
  csv: { ext: 'csv', contentType: 'text/csv', write: (path, l) => writeFile(path, landscapeCsv(l)) },
  npy: { ext: 'npy', contentType: 'application/octet-stream', write: (path, l) => writeFile(path, landscapeNpy(l)) },
  vtp: { ext: 'vtp', contentType: 'application/xml', write: (path, l) => writeFile(path, landscapeVtp(l)) },
  h5: { ext: 'h5', contentType: 'application/x-hdf5', write: (path, l, h5) => writeLandscapeH5(path, l, h5) },
};

export function isLandscapeFormat(s: string): s is LandscapeFormatName {
  return (LANDSCAPE_FORMAT_NAMES as readonly string[]).includes(s);
}

/** The file's bytes (a download), written through a temporary file that is removed again. */
export async function landscapeBytes(format: LandscapeFormatName, l: Landscape, h5: H5WriteOptions = {}): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'terrain-export-'));
  try {
    const path = join(dir, `landscape.${LANDSCAPE_FORMATS[format].ext}`);
    await LANDSCAPE_FORMATS[format].write(path, l, h5);
    return await readFile(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
