// Writers of the official file layouts, used by the tests of this folder to build small files
// (no CIFAR file is reachable here, and broken files are easiest to make from good ones).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NPY_DTYPES, type NpyDtype } from '../core/data/npy.js';

/** An unsigned-byte IDX file: magic 0x0000080R, big-endian uint32 dims, the bytes. */
export function idxBytes(dims: number[], values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + values.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x800 + dims.length);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(Array.from(values), 4 + 4 * dims.length);
  return out;
}

/** CIFAR binary records: each label byte list followed by its 3,072 pixel bytes. */
export function cifarBytes(records: { labels: number[]; pixels: ArrayLike<number> }[]): Uint8Array {
  const size = records.reduce((s, r) => s + r.labels.length + 3072, 0);
  const out = new Uint8Array(size);
  let at = 0;
  for (const r of records) {
    out.set(r.labels, at); at += r.labels.length;
    out.set(Array.from(r.pixels), at); at += 3072;
  }
  return out;
}

/** A .npy file as numpy.save writes it: header padded with spaces to a multiple of 64, ending in '\n'. */
export function npyBytes(dtype: NpyDtype, shape: number[], values: ArrayLike<number>, version: 1 | 2 | 3 = 1, fortran = false): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${dtype}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const pre = version === 1 ? 10 : 12;
  header += ' '.repeat(63 - ((pre + header.length) % 64)) + '\n';
  const item = NPY_DTYPES[dtype];
  const out = new Uint8Array(pre + header.length + values.length * item);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, header.length, true); else view.setUint32(8, header.length, true);
  out.set(new TextEncoder().encode(header), pre);
  const at = pre + header.length;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!, o = at + i * item;
    switch (dtype) {
      case '<f4': view.setFloat32(o, v, true); break;
      case '<f8': view.setFloat64(o, v, true); break;
      case '<i4': view.setInt32(o, v, true); break;
      case '<i8': view.setBigInt64(o, BigInt(v), true); break;
      case '|u1': view.setUint8(o, v); break;
    }
  }
  return out;
}

/** A fresh temporary folder and its cleanup. */
export function tempDir(prefix = 'terrain-data-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** numpy 1.24 output (np.save / np.savez / np.savez_compressed, with zip64 extras), base64. */
export const NUMPY_FIXTURES = {
  /** np.save of np.arange(24, dtype=float32).reshape(2,3,2,2) * 0.5 - 1 */
  npyF4: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMsIDIsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAIC/AAAAvwAAAAAAAAA/AACAPwAAwD8AAABAAAAgQAAAQEAAAGBAAACAQAAAkEAAAKBAAACwQAAAwEAAANBAAADgQAAA8EAAAABBAAAIQQAAEEEAABhBAAAgQQAAKEE=',
  /** np.save of np.array([1, 0], dtype=int64) */
  npyI8: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAAAAAAAAAAAAAAAAAAA',
  /** np.savez(x=that x, y=that y) */
  npz: 'UEsDBBQAAAAAAAAAIQBGgAcm4AAAAOAAAAAFABQAeC5ucHkBABAA4AAAAAAAAADgAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJzxmNCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgyLCAzLCAyLCAyKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAACAvwAAAL8AAAAAAAAAPwAAgD8AAMA/AAAAQAAAIEAAAEBAAABgQAAAgEAAAJBAAACgQAAAsEAAAMBAAADQQAAA4EAAAPBAAAAAQQAACEEAABBBAAAYQQAAIEEAAChBUEsDBBQAAAAAAAAAIQBx+zmrkAAAAJAAAAAFABQAeS5ucHkBABAAkAAAAAAAAACQAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJzxpOCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgyLCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAQAAAAAAAAAAAAAAAAAAAFBLAQIUAxQAAAAAAAAAIQBGgAcm4AAAAOAAAAAFAAAAAAAAAAAAAACAAQAAAAB4Lm5weVBLAQIUAxQAAAAAAAAAIQBx+zmrkAAAAJAAAAAFAAAAAAAAAAAAAACAARcBAAB5Lm5weVBLBQYAAAAAAgACAGYAAADeAQAAAAA=',
  /** np.savez_compressed(x_train=x, y_train=y, x_test=x[:1], y_test=y[:1].astype(uint8)) */
  npzSplit: 'UEsDBBQAAAAIAAAAIQBGgAcmjAAAAOAAAAALABQAeF90cmFpbi5ucHkBABAA4AAAAAAAAACMAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6loG6TZqKuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GkY6CsY6CkDSSFNHoVaBDMDFwNCwn4GBAYRBwB7IB+IDQMzgwMCgAMQOQJwAxA1APAGIFwDxBiA+AMQXgPgBEH8AYgZHBgYOIBYAYgkgVgBiDUcAUEsDBBQAAAAIAAAAIQBx+zmrSAAAAJAAAAALABQAeV90cmFpbi5ucHkBABAAkAAAAAAAAABIAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6loG6TaaGuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GkY6mjoKtQoUAC5GBlQAAFBLAwQUAAAACAAAACEAbxdRBWwAAACwAAAACgAUAHhfdGVzdC5ucHkBABAAsAAAAAAAAABsAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6loG6TZqKuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GoY6CsY6CkZApKmjUKtABuBiYGjYz8DAAMIgYA/kA/EBIGZwYGBQAGIHIE4A4gYgnuAAAFBLAwQUAAAACAAAACEAe7KmwEUAAACBAAAACgAUAHlfdGVzdC5ucHkBABAAgQAAAAAAAABFAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6loF5Taqiuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GoY6mjoKtQoUAC5GAFBLAQIUAxQAAAAIAAAAIQBGgAcmjAAAAOAAAAALAAAAAAAAAAAAAACAAQAAAAB4X3RyYWluLm5weVBLAQIUAxQAAAAIAAAAIQBx+zmrSAAAAJAAAAALAAAAAAAAAAAAAACAAckAAAB5X3RyYWluLm5weVBLAQIUAxQAAAAIAAAAIQBvF1EFbAAAALAAAAAKAAAAAAAAAAAAAACAAU4BAAB4X3Rlc3QubnB5UEsBAhQDFAAAAAgAAAAhAHuypsBFAAAAgQAAAAoAAAAAAAAAAAAAAIAB9gEAAHlfdGVzdC5ucHlQSwUGAAAAAAQABADiAAAAdwIAAAAA',
} as const;

export const fromBase64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));
