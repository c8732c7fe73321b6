// What the benchmarks run on: a zoo model with seeded weights, random CIFAR-shaped data, and the same things (plus
// the directions) written to files for the PyTorch baselines.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabeledBatch } from '../core/evaluate/point.js';
import { ParamLayout, paramsOf, toTensors, type ParamVector } from '../core/params.js';
import { createRng, normalArray } from '../core/rng.js';
import type { Model, ModelSpec } from '../ir/model.js';
import { writeSafetensors } from '../ir/safetensors.js';
import { float32, int64, type Tensor } from '../ir/tensor.js';
import { buildModel } from '../ir/zoo/index.js';
import { npyBytes } from '../testing/pytorch.js';

export const CIFAR_SHAPE = [3, 32, 32];

export function resnet(depth: 20 | 56, seed = 1): Model {
  const spec: ModelSpec = { arch: `resnet${depth}`, options: {}, inputShape: CIFAR_SHAPE, classes: 10 };
  return buildModel(spec, seed);
}

/** Standard-normal images (like standardised CIFAR-10) with uniform labels over `classes`. */
export interface RandomData {
  x: Float32Array;
  y: Int32Array;
  count: number;
  shape: number[];
}

export function randomData(count: number, shape: number[], classes: number, seed: number): RandomData {
  const rng = createRng(seed);
  const per = shape.reduce((p, d) => p * d, 1);
  const x = normalArray(rng, count * per);
  const y = Int32Array.from({ length: count }, () => rng.int(classes));
  return { x, y, count, shape };
}

/** Consecutive batches as engine tensors (views into the data, no copy). */
export function batchesOf(d: RandomData, batchSize: number): LabeledBatch[] {
  const per = d.shape.reduce((p, s) => p * s, 1);
  const out: LabeledBatch[] = [];
  for (let s = 0; s < d.count; s += batchSize) {
    const n = Math.min(batchSize, d.count - s);
    out.push({ x: { dtype: 'float32', dims: [n, ...d.shape], data: d.x.subarray(s * per, (s + n) * per) }, y: int64([n], d.y.subarray(s, s + n)), size: n });
  }
  return out;
}

export function thetaOf(model: Model): ParamVector {
  return paramsOf(model, ParamLayout.ofModel(model));
}

/** spec.json and weights.safetensors (parameters and BN buffers) for the PyTorch twin. */
export function writeModelFiles(dir: string, model: Model): { spec: string; weights: string } {
  const spec = join(dir, 'spec.json'), weights = join(dir, 'weights.safetensors');
  writeFileSync(spec, JSON.stringify(model.spec));
  writeSafetensors(weights, new Map([...model.params, ...model.buffers].map((k) => [k, model.graph.initializers.get(k)!])));
  return { spec, weights };
}

export function writeData(dir: string, d: RandomData): { x: string; y: string } {
  const x = join(dir, 'x.npy'), y = join(dir, 'y.npy');
  writeFileSync(x, npyBytes(float32([d.count, ...d.shape], d.x)));
  writeFileSync(y, npyBytes(int64([d.count], d.y)));
  return { x, y };
}

export function writeDirections(dir: string, dx: ParamVector, dy: ParamVector): string {
  const path = join(dir, 'directions.safetensors');
  const tensors = new Map<string, Tensor>();
  for (const [k, t] of toTensors(dx)) tensors.set(`x/${k}`, t);
  for (const [k, t] of toTensors(dy)) tensors.set(`y/${k}`, t);
  writeSafetensors(path, tensors);
  return path;
}
