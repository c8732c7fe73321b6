// Test support: PyTorch double-backprop products (test/python/hvp_reference.py) on the same weights and samples.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSafetensors } from '../ir/safetensors.js';
import { float32, int64, type Tensor } from '../ir/tensor.js';
import { npyBytes, runPython } from './pytorch.js';
import { parseNpy } from '../core/data/npy.js';
import type { LabeledBatch } from '../core/evaluate/point.js';
import type { Rng } from '../core/rng.js';
import { toTensors } from '../core/params.js';
import type { ModelPoint } from '../core/hessian/model-point.js';

export interface TorchHvp {
  /** H vᵢ for each given vector (float64, named_parameters order = terrain's layout order). */
  products: Float64Array[];
  loss: number;
  gradientNorm: number;
  /** Only when the full Hessian was asked for. */
  hessian?: Float64Array;
  eigenvalues?: number[];
  trace?: number;
  frobenius2?: number;
}

/** Random standardised-looking samples in batches of `batch` (the last one may be smaller). */
export function randomBatches(inputShape: readonly number[], classes: number, samples: number, batch: number, rng: Rng): LabeledBatch[] {
  const per = inputShape.reduce((p, d) => p * d, 1);
  const out: LabeledBatch[] = [];
  for (let start = 0; start < samples; start += batch) {
    const n = Math.min(batch, samples - start);
    out.push({
      x: float32([n, ...inputShape], Array.from({ length: n * per }, () => rng.normal())),
      y: int64([n], Array.from({ length: n }, () => rng.int(classes))),
      size: n,
    });
  }
  return out;
}

function concat(batches: readonly LabeledBatch[]): { x: Tensor; y: Tensor } {
  const n = batches.reduce((s, b) => s + b.size, 0);
  const dims = [n, ...batches[0]!.x.dims.slice(1)];
  const x = new Float32Array(batches.reduce((s, b) => s + b.x.data.length, 0));
  const y = new BigInt64Array(n);
  let ox = 0, oy = 0;
  for (const b of batches) {
    x.set(b.x.data as Float32Array, ox); ox += b.x.data.length;
    y.set(b.y.data as BigInt64Array, oy); oy += b.size;
  }
  return { x: { dtype: 'float32', dims, data: x }, y: { dtype: 'int64', dims: [n], data: y } };
}

function readNpyFloat64(path: string): { shape: number[]; data: Float64Array } {
  const a = parseNpy(new Uint8Array(readFileSync(path)), path);
  if (a.dtype !== '<f8') throw new Error(`${path}: expected float64, got ${a.dtype}`);
  const copy = a.data.slice();
  return { shape: a.shape, data: new Float64Array(copy.buffer, copy.byteOffset, copy.byteLength / 8) };
}

/** Runs the PyTorch reference in float64; `batchSize` must be the batching of `batches` (train-mode BN). */
export function torchHvp(point: ModelPoint, batches: readonly LabeledBatch[], batchSize: number, bn: 'eval' | 'train', vectors: readonly Float64Array[], fullHessian = false): TorchHvp {
  const dir = mkdtempSync(join(tmpdir(), 'terrain-hvp-'));
  try {
    const P = point.theta.layout.size;
    const f = { spec: join(dir, 'spec.json'), w: join(dir, 'w.safetensors'), x: join(dir, 'x.npy'), y: join(dir, 'y.npy'), v: join(dir, 'v.npy'), out: join(dir, 'hv.npy'), h: join(dir, 'h.npy') };
    writeFileSync(f.spec, JSON.stringify(point.model.spec));
    writeSafetensors(f.w, new Map([...toTensors(point.theta), ...point.buffers]));
    const { x, y } = concat(batches);
    writeFileSync(f.x, npyBytes(x));
    writeFileSync(f.y, npyBytes(y));
    const flat = new Float64Array(Math.max(1, vectors.length) * P);
    vectors.forEach((v, k) => flat.set(v, k * P));
    writeFileSync(f.v, npyBytes({ dtype: 'float64', dims: [Math.max(1, vectors.length), P], data: flat }));
    const args = ['hvp', '--spec', f.spec, '--weights', f.w, '--input', f.x, '--labels', f.y, '--bn', bn, '--batch', String(batchSize), '--vectors', f.v, '--out', f.out];
    const stdout = runPython('hvp_reference.py', fullHessian ? [...args, '--hessian', f.h] : args);
    const report = JSON.parse(stdout.trim().split('\n').pop()!) as { loss: number; gradient_norm: number; eigenvalues?: number[]; trace?: number; frobenius2?: number };
    const hv = readNpyFloat64(f.out).data;
    return {
      products: vectors.map((_, k) => hv.slice(k * P, (k + 1) * P)),
      loss: report.loss, gradientNorm: report.gradient_norm,
      hessian: fullHessian ? readNpyFloat64(f.h).data : undefined,
      eigenvalues: report.eigenvalues, trace: report.trace, frobenius2: report.frobenius2,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
