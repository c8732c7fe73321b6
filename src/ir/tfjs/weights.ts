// TF.js weight shards: each manifest group's shard files, concatenated, hold its weights back to back in manifest
// order, little-endian; float32/int32/bool, or quantized (uint8/uint16 affine: value = q·scale + min; float16).
// Sizes are checked against the bytes present before anything is allocated.
import { halfToFloat } from '../weights/pt.js';
import { sizeOf, type Tensor } from '../tensor.js';
import { TfjsError, type WeightGroup, type WeightSpec } from './format.js';

function bytesPerValue(w: WeightSpec, fail: (m: string) => never): number {
  const q = w.quantization?.dtype;
  if (q === 'uint8') return 1;
  if (q === 'uint16' || q === 'float16') return 2;
  if (q !== undefined) return fail(`weight '${w.name}': quantization dtype '${q}' is not supported (uint8, uint16, float16)`);
  if (w.dtype === 'float32' || w.dtype === 'int32') return 4;
  if (w.dtype === 'bool') return 1;
  return fail(`weight '${w.name}': dtype '${w.dtype}' is not supported (float32, int32, bool)`);
}

/** Decodes every weight of the manifest; `shards` maps each path to its bytes. */
export function decodeShards(manifest: readonly WeightGroup[], shards: ReadonlyMap<string, Uint8Array>, source: string): Map<string, Tensor> {
  const fail = (m: string): never => { throw new TfjsError(`${source}: ${m}`); };
  const out = new Map<string, Tensor>();
  manifest.forEach((group, gi) => {
    const parts = group.paths.map((p) => shards.get(p) ?? fail(`weight shard '${p}' is missing`));
    const total = parts.reduce((s, p) => s + p.length, 0);
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const p of parts) { bytes.set(p, at); at += p.length; }
    const view = new DataView(bytes.buffer);
    let offset = 0;
    for (const w of group.weights) {
      const per = bytesPerValue(w, fail);
      const n = sizeOf(w.shape);
      if (!(n * per <= total - offset)) fail(`weight '${w.name}' [${w.shape}] needs ${n * per} bytes at offset ${offset}, group ${gi} has ${total} in ${group.paths.join(', ')} (truncated shard?)`);
      if (out.has(w.name)) fail(`weight '${w.name}' appears twice in the manifest`);
      out.set(w.name, decodeOne(w, view, offset, n));
      offset += n * per;
    }
    if (offset !== total) fail(`weight group ${gi} (${group.paths.join(', ')}) has ${total} bytes, its weights use ${offset}`);
  });
  return out;
}

function decodeOne(w: WeightSpec, view: DataView, offset: number, n: number): Tensor {
  const dims = [...w.shape];
  const q = w.quantization;
  if (q) {
    const scale = q.scale ?? 1, min = q.min ?? 0;
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      data[i] = q.dtype === 'float16' ? halfToFloat(view.getUint16(offset + 2 * i, true))
        : q.dtype === 'uint8' ? view.getUint8(offset + i) * scale + min
        : view.getUint16(offset + 2 * i, true) * scale + min;
    }
    return { dtype: 'float32', dims, data };
  }
  if (w.dtype === 'float32') {
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = view.getFloat32(offset + 4 * i, true);
    return { dtype: 'float32', dims, data };
  }
  if (w.dtype === 'int32') {
    const data = new Int32Array(n);
    for (let i = 0; i < n; i++) data[i] = view.getInt32(offset + 4 * i, true);
    return { dtype: 'int32', dims, data };
  }
  const data = new Uint8Array(n);
  for (let i = 0; i < n; i++) data[i] = view.getUint8(offset + i) ? 1 : 0;
  return { dtype: 'bool', dims, data };
}
