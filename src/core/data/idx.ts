// IDX files (MNIST, Fashion-MNIST): a 4-byte magic number (0, 0, type 0x08 = unsigned byte, rank), then
// `rank` big-endian uint32 dimensions, then the values. Every size is checked against the bytes present
// before anything is allocated.

import { DataError, formatCount as count } from './errors.js';

const UNSIGNED_BYTE = 0x08;

export interface IdxArray {
  dims: number[];
  /** A view into the input bytes, prod(dims) values. */
  data: Uint8Array;
}

export interface IdxExpectation {
  /** 3 for images (count, rows, cols), 1 for labels (count). */
  rank: number;
  /** 'images' or 'labels', used in messages. */
  items: string;
  /** Message prefix, e.g. 'fashion-mnist: /dir/train-images-idx3-ubyte.gz'. */
  label: string;
  /** What the user can do about a bad file. */
  fix: string;
}

export function parseIdx(bytes: Uint8Array, want: IdxExpectation): IdxArray {
  const { rank, items, label, fix } = want;
  const magic = 0x800 + rank;
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new DataError(`${label} is ${count(bytes.length)} bytes, too short for the ${headerBytes}-byte IDX header (file truncated? ${fix})`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = view.getUint32(0);
  if (found !== magic) {
    const hex = (v: number) => '0x' + v.toString(16).padStart(8, '0');
    const why = (found >>> 16) !== 0 || (found >>> 8 & 0xff) !== UNSIGNED_BYTE ? 'not an unsigned-byte IDX file' : `an IDX file of rank ${found & 0xff}`;
    throw new DataError(`${label} has magic number ${hex(found)}, expected ${hex(magic)} for IDX ${items} (${why}; ${fix})`);
  }
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i));
  const n = dims[0]!;
  let perItem = 1;
  for (let i = 1; i < rank; i++) {
    if (dims[i]! === 0) throw new DataError(`${label} header gives dimension ${i} as 0 (${fix})`);
    perItem *= dims[i]!;
  }
  if (n === 0) throw new DataError(`${label} header says it holds 0 ${items} (${fix})`);
  const present = bytes.length - headerBytes;
  const expected = n * perItem;
  if (present < expected) {
    throw new DataError(`${label} holds ${count(Math.floor(present / perItem))} ${items} but the header says ${count(n)} (file truncated? ${fix})`);
  }
  if (present > expected) {
    throw new DataError(`${label} has ${count(present - expected)} bytes after the ${count(n)} ${items} its header declares (file corrupt? ${fix})`);
  }
  return { dims, data: bytes.subarray(headerBytes, headerBytes + expected) };
}
