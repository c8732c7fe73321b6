// Generators of the hostile files of issue 18, shared by the unit tests of each reader and by the CLI suite
// (hostile.test.ts), so that every case is built in one place. Each returns the bytes (or makes the special file);
// none needs anything outside this repository but `mkfifo`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { zipSync } from 'fflate';
import { attr, type Graph, type Node } from '../../ir/graph.js';
import { floatBytes, forgeArchive, forgePickle } from '../../ir/weights/forge.js';

// ---- JSON and safetensors ----

/** JSON text nested n levels deep: '[[[…]]]'. */
export const deepJson = (n: number): string => '['.repeat(n) + ']'.repeat(n);

/** A safetensors file whose header is the given JSON text (and `data` after it). */
export function rawSafetensors(header: string, data = new Uint8Array(0)): Uint8Array {
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

/** A valid-looking safetensors header listing `n` empty tensors (10⁶: a 59 MB header). */
export function manyTensorsSafetensors(n: number): Uint8Array {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(`"t${i}":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`);
  return rawSafetensors(`{${parts.join(',')}}`);
}

// ---- .pt archives (torch.save zips) and pickles ----

export const PT_TENSOR = { name: 'fc.weight', storage: '0', numel: 4, size: [2, 2] };
export const PT_VALUES = [1, 2, 3, 4];

/** A well-formed archive with one 2×2 float tensor (each hostile variant differs from it in one thing). */
export const goodPt = (): Uint8Array => forgeArchive(forgePickle([PT_TENSOR]), { '0': floatBytes(PT_VALUES) });

/** A pickle holding one LONG4 integer of `n` bytes (pickleparser builds it in quadratic time). */
export function long4Pickle(n: number): Uint8Array {
  const pickle = new Uint8Array(2 + 5 + n + 1);
  pickle.set([0x80, 2, 0x8b, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, 0]);
  pickle.fill(0x7f, 7, 7 + n);
  pickle[pickle.length - 1] = 0x2e;
  return pickle;
}

export const long4Pt = (n = 600_000): Uint8Array => forgeArchive(long4Pickle(n), {});

/** foo.Bar() with BUILD state {'__proto__': OrderedDict()}: the object would pass `instanceof Map`. */
export function mapProtoPt(): Uint8Array {
  const su = (s: string): number[] => [0x8c, s.length, ...new TextEncoder().encode(s)];
  const g = (s: string): number[] => [0x63, ...new TextEncoder().encode(s)]; // GLOBAL 'module\nname\n'
  return forgeArchive(new Uint8Array([0x80, 2, ...g('foo\nBar\n'), 0x29, 0x81, 0x7d, ...su('__proto__'), ...g('collections\nOrderedDict\n'), 0x29, 0x52, 0x73, 0x62, 0x2e]), {});
}

/** Sets the uncompressed size that the local header and the central directory declare for `name`. */
export function declareSize(zip: Uint8Array, name: string, size: number): void {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const want = new TextEncoder().encode(name);
  const nameAt = (at: number): boolean => want.every((c, k) => zip[at + k] === c);
  for (let at = 0; at + 46 < zip.length; at++) {
    const sig = view.getUint32(at, true);
    if (sig === 0x04034b50 && view.getUint16(at + 26, true) === want.length && nameAt(at + 30)) view.setUint32(at + 22, size, true);
    if (sig === 0x02014b50 && view.getUint16(at + 28, true) === want.length && nameAt(at + 46)) view.setUint32(at + 24, size, true);
  }
}

/** A .pt whose storage entry is 8 MiB of zeros deflated (~8 KB) but declares 16 bytes: a lying zip bomb. */
export function lyingDeflatePt(): Uint8Array {
  const zip = zipSync({
    'archive/data.pkl': [forgePickle([PT_TENSOR]), { level: 0 }],
    'archive/version': [new TextEncoder().encode('3\n'), { level: 0 }],
    'archive/data/0': [new Uint8Array(8 << 20), { level: 9 }],
  });
  declareSize(zip, 'archive/data/0', 16);
  return zip;
}

/** goodPt with one bit of its stored weights flipped (1.0f becomes 4.0f): only the CRC-32 tells. */
export function flippedBitPt(): Uint8Array {
  const zip = goodPt();
  const at = Buffer.from(zip).indexOf(Buffer.from(floatBytes(PT_VALUES)));
  if (at <= 0) throw new Error('flippedBitPt: storage bytes not found in the forged archive');
  zip[at + 3] ^= 0x40;
  return zip;
}

// ---- .npz archives ----

const npyHeader = (shape: number[]): Uint8Array => {
  let h = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')},), }`;
  h = h.padEnd(Math.ceil((10 + h.length + 1) / 64) * 64 - 11, ' ') + '\n';
  const out = new Uint8Array(10 + h.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, h.length & 0xff, h.length >> 8]);
  out.set(new TextEncoder().encode(h), 10);
  return out;
};

/** An .npz whose member y.npy inflates to 8 MiB while declaring 64 bytes (x.npy is honest). */
export function lyingNpz(): Uint8Array {
  const x = npyHeader([4]);
  const zip = zipSync({ 'x.npy': [new Uint8Array([...x, ...new Uint8Array(16)]), { level: 0 }], 'y.npy': [new Uint8Array(8 << 20), { level: 9 }] });
  declareSize(zip, 'y.npy', 64);
  return zip;
}

/** An .npz whose members x.npy and y.npy each declare 600 MiB: under the 1 GiB limit alone, over it together. */
export function togetherNpz(): Uint8Array {
  const zip = zipSync({ 'x.npy': [new Uint8Array(16), { level: 9 }], 'y.npy': [new Uint8Array(16), { level: 9 }] });
  declareSize(zip, 'x.npy', 600 << 20);
  declareSize(zip, 'y.npy', 600 << 20);
  return zip;
}

// ---- ONNX graphs ----

const node = (name: string, op: string, inputs: string[], outputs: string[], attrs = {}): Node => ({ name, op, inputs, outputs, attrs });

function graphWith(nodes: Node[], outputs: string[]): Graph {
  return {
    name: 'g', opset: 13,
    inputs: [{ name: 'x', dtype: 'float32', shape: ['N', 4] }],
    outputs: outputs.map((name) => ({ name, dtype: 'float32', shape: ['N', 4] })),
    nodes, initializers: new Map(),
  };
}

/** Graphs that ONNX Runtime would refuse with a message naming no file, and the message terrain gives instead. */
export const HOSTILE_GRAPHS: Record<'definedTwice' | 'outputTwice' | 'softmaxAxis' | 'softmaxAxisUnknownRank', { graph: () => Graph; problem: RegExp }> = {
  definedTwice: { graph: () => graphWith([node('a', 'Relu', ['x'], ['y']), node('b', 'Relu', ['y'], ['y'])], ['y']), problem: /node 'b' \(Relu\) defines 'y', which is already the output of node 'a'/ },
  outputTwice: { graph: () => graphWith([node('a', 'Relu', ['x'], ['y'])], ['y', 'y']), problem: /graph output 'y' is listed twice/ },
  softmaxAxis: { graph: () => graphWith([node('s', 'Softmax', ['x'], ['y'], { axis: attr.int(727379968) })], ['y']), problem: /node 's' \(Softmax\): axis 727379968 is outside \[-2, 1\] for its rank-2 input 'x'/ },
  softmaxAxisUnknownRank: { graph: () => graphWith([node('r', 'Relu', ['x'], ['h']), node('s', 'Softmax', ['h'], ['y'], { axis: attr.int(-727379968) })], ['y']), problem: /axis -727379968 is outside \[-64, 63\]/ },
};

/** A graph like the hostile ones that is fine (so that the checks are not simply refusing everything). */
export const fineGraph = (): Graph => graphWith([node('s', 'Softmax', ['x'], ['y'], { axis: attr.int(-1) })], ['y']);

// ---- special files ----

/** A named pipe at `path` (reading it would block forever). */
export function makeFifo(path: string): string {
  if (spawnSync('mkfifo', [path]).status !== 0) throw new Error(`mkfifo ${path} failed`);
  return path;
}

/** A symlink to /dev/zero at `path` (reading it would fill memory). */
export function makeZeroLink(path: string): string {
  symlinkSync('/dev/zero', path);
  return path;
}

export function makeFolder(path: string): string {
  mkdirSync(path);
  return path;
}
