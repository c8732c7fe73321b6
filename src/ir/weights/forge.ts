// Test support: torch.save-style archives written by hand (protocol-2 pickle + stored zip), so tests can forge any
// sizes, strides and storages without PyTorch — including ones PyTorch would never write.
import { zipSync } from 'fflate';

export interface ForgedTensor {
  name: string;
  storage: string;
  /** e.g. "FloatStorage". */
  type?: string;
  /** Storage element count as the pickle claims it. */
  numel: number;
  offset?: number;
  size: number[];
  stride?: number[];
}

const enc = new TextEncoder();

function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

/** A pickled non-negative integer: BININT below 2^31, else LONG1 with 8 little-endian bytes. */
function int(n: number): number[] {
  if (n < 2 ** 31) return [0x4a, ...u32(n)];
  const bytes: number[] = [];
  let v = BigInt(n);
  for (let k = 0; k < 8; k++) { bytes.push(Number(v & 0xffn)); v >>= 8n; }
  return [0x8a, 8, ...bytes];
}

function str(s: string): number[] {
  const b = enc.encode(s);
  return [0x58, ...u32(b.length), ...b];
}

const global = (module: string, name: string) => [0x63, ...enc.encode(`${module}\n${name}\n`)];
const MARK = 0x28, TUPLE = 0x74, REDUCE = 0x52, EMPTY_TUPLE = 0x29, BINPERSID = 0x51, SETITEMS = 0x75, STOP = 0x2e, NEWFALSE = 0x89;

/** data.pkl of an OrderedDict {name: tensor} rebuilt by torch._utils._rebuild_tensor_v2. */
export function forgePickle(tensors: readonly ForgedTensor[]): Uint8Array {
  const out: number[] = [0x80, 0x02, ...global('collections', 'OrderedDict'), EMPTY_TUPLE, REDUCE, MARK];
  for (const t of tensors) {
    const stride = t.stride ?? t.size.map((_, i) => t.size.slice(i + 1).reduce((a, d) => a * d, 1));
    out.push(...str(t.name), ...global('torch._utils', '_rebuild_tensor_v2'), MARK);
    out.push(MARK, ...str('storage'), ...global('torch', t.type ?? 'FloatStorage'), ...str(t.storage), ...str('cpu'), ...int(t.numel), TUPLE, BINPERSID);
    out.push(...int(t.offset ?? 0));
    out.push(MARK, ...t.size.flatMap(int), TUPLE, MARK, ...stride.flatMap(int), TUPLE);
    out.push(NEWFALSE, ...global('collections', 'OrderedDict'), EMPTY_TUPLE, REDUCE, TUPLE, REDUCE);
  }
  out.push(SETITEMS, STOP);
  return Uint8Array.from(out);
}

/** A stored (uncompressed) zip laid out like torch.save's: archive/data.pkl, archive/data/<key>, archive/version. */
export function forgeArchive(pickle: Uint8Array, storages: Record<string, Uint8Array>): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0 }]> = {
    'archive/data.pkl': [pickle, { level: 0 }],
    'archive/version': [enc.encode('3\n'), { level: 0 }],
  };
  for (const [key, bytes] of Object.entries(storages)) files[`archive/data/${key}`] = [bytes, { level: 0 }];
  return zipSync(files);
}

export function floatBytes(values: number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}
