// NumPy .npy files (format versions 1, 2 and 3): the magic "\x93NUMPY", version bytes, a little-endian
// header length (2 bytes in v1, 4 in v2/v3), a Python-dict header giving descr, fortran_order and shape,
// then the raw values. Supported: C order, dtypes <f4 <f8 |u1 <i4 <i8.

import { DataError, formatCount as count } from './errors.js';

export const NPY_DTYPES = { '<f4': 4, '<f8': 8, '|u1': 1, '<i4': 4, '<i8': 8 } as const;
export type NpyDtype = keyof typeof NPY_DTYPES;

/** Labels above this are taken for a wrong file, not a data set with that many classes. */
export const MAX_CLASSES = 100_000;

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  /** The values as stored (little-endian, C order); a view into the input bytes. */
  data: Uint8Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Parses a .npy file's bytes; `label` (e.g. 'npy: /d/x.npy') prefixes every message. */
export function parseNpy(bytes: Uint8Array, label: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new DataError(`${label} does not start with the .npy magic "\\x93NUMPY" (not a .npy file; save it with numpy.save)`);
  }
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw new DataError(`${label} is .npy format version ${major}.${bytes[7]}, expected 1, 2 or 3 (save it with numpy.save)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) throw new DataError(`${label} ends inside the .npy header (file truncated?)`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes + headerLength;
  if (start > bytes.length) {
    throw new DataError(`${label} declares a ${count(headerLength)}-byte header but holds only ${count(bytes.length)} bytes (file truncated?)`);
  }
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(8 + lenBytes, start));
  const { dtype, shape } = parseHeader(header, label);
  let n = 1;
  for (const d of shape) n *= d;
  const expected = n * NPY_DTYPES[dtype];
  const present = bytes.length - start;
  if (present !== expected) {
    const what = present < expected ? 'file truncated?' : 'trailing bytes: file corrupt?';
    throw new DataError(`${label} holds ${count(present)} data bytes but its header (${dtype}, shape (${shape.join(', ')})) needs ${count(expected)} (${what})`);
  }
  return { dtype, shape, data: bytes.subarray(start, start + expected) };
}

function parseHeader(header: string, label: string): { dtype: NpyDtype; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  if (descr === undefined) throw new DataError(`${label} header has no simple 'descr' (structured arrays are not supported): ${header.trim().slice(0, 120)}`);
  if (!(descr in NPY_DTYPES)) {
    throw new DataError(`${label} has dtype '${descr}', expected one of ${Object.keys(NPY_DTYPES).join(' ')} (convert with arr.astype('<f4') or arr.astype('<i8'))`);
  }
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  if (fortran === undefined) throw new DataError(`${label} header has no 'fortran_order' entry: ${header.trim().slice(0, 120)}`);
  if (fortran === 'True') throw new DataError(`${label} is stored in Fortran order (save numpy.ascontiguousarray(arr) instead)`);
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (shapeText === undefined) throw new DataError(`${label} header has no 'shape' tuple: ${header.trim().slice(0, 120)}`);
  const parts = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  const shape = parts.map((p) => {
    const m = /^(\d+)L?$/.exec(p);
    if (!m) throw new DataError(`${label} header shape (${shapeText}) has a non-integer entry '${p}'`);
    return Number(m[1]);
  });
  return { dtype: descr as NpyDtype, shape };
}

/** The values as float32 (a new array). */
export function npyToFloat32(a: NpyArray): Float32Array {
  const aligned = a.data.slice(); // own buffer at offset 0, so typed views are aligned
  switch (a.dtype) {
    case '<f4': return new Float32Array(aligned.buffer);
    case '<f8': return Float32Array.from(new Float64Array(aligned.buffer));
    case '<i4': return Float32Array.from(new Int32Array(aligned.buffer));
    case '|u1': return Float32Array.from(aligned);
    case '<i8': {
      const v = new BigInt64Array(aligned.buffer), out = new Float32Array(v.length);
      for (let i = 0; i < v.length; i++) out[i] = Number(v[i]!);
      return out;
    }
  }
}

/** The values as class labels: integers in 0..MAX_CLASSES−1, whatever the dtype; DataError otherwise. */
export function npyToLabels(a: NpyArray, label: string): Int32Array {
  const aligned = a.data.slice();
  const n = aligned.length / NPY_DTYPES[a.dtype];
  const out = new Int32Array(n);
  const get = labelReader(a.dtype, aligned.buffer);
  for (let i = 0; i < n; i++) {
    const v = get(i);
    if (!Number.isInteger(v) || v < 0 || v >= MAX_CLASSES) {
      throw new DataError(`${label} has label ${v} at index ${count(i)}; labels must be integers in 0..${count(MAX_CLASSES - 1)} (save class indices, not one-hot or scores)`);
    }
    out[i] = v;
  }
  return out;
}

function labelReader(dtype: NpyDtype, buffer: ArrayBuffer): (i: number) => number {
  switch (dtype) {
    case '<f4': { const v = new Float32Array(buffer); return (i) => v[i]!; }
    case '<f8': { const v = new Float64Array(buffer); return (i) => v[i]!; }
    case '<i4': { const v = new Int32Array(buffer); return (i) => v[i]!; }
    case '|u1': { const v = new Uint8Array(buffer); return (i) => v[i]!; }
    case '<i8': { const v = new BigInt64Array(buffer); return (i) => Number(v[i]!); }
  }
}
