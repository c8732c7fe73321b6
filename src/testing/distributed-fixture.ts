// Small landscape jobs for the distributed tests and the benchmark: zoo models on a digits subset.
import { join } from 'node:path';
import { checkpointOf, saveCheckpoint } from '../ir/checkpoint.js';
import { buildModel } from '../ir/zoo/index.js';
import { makeBatches, resolveData } from '../core/data/index.js';
import { resolveDirections } from '../core/directions/index.js';
import type { BnMode } from '../core/landscape/bn.js';
import { bufferDelta } from '../core/landscape/bn.js';
import type { LandscapeJob } from '../core/landscape/job.js';
import { loadModelFile } from '../core/model-file.js';
import { createRng } from '../core/rng.js';

/**
 * Writes a digits-shaped zoo model (random init from `seed`) and returns its path. BN running statistics are drawn
 * too (a fresh model has mean 0, variance 1 everywhere), so that the BN modes give different numbers.
 */
export function writeTestModel(dir: string, arch: 'mlp' | 'cnn-small', seed: number): string {
  const path = join(dir, `${arch}-${seed}.safetensors`);
  const options = arch === 'cnn-small' ? { channels: [4, 8] } : { widths: [32] };
  const model = buildModel({ arch, options, inputShape: [1, 8, 8], classes: 10 }, seed);
  const rng = createRng(seed);
  for (const name of model.buffers) {
    const data = model.graph.initializers.get(name)!.data as Float32Array;
    for (let i = 0; i < data.length; i++) data[i] = name.endsWith('running_var') ? 0.5 + rng.uniform() : 0.2 * rng.normal();
  }
  saveCheckpoint(path, checkpointOf(model));
  return path;
}

export interface TestJobOptions {
  model: string;
  outDir: string;
  kind?: 'curve' | 'surface';
  samples?: number;
  bn?: BnMode;
  /** A second checkpoint: the x direction becomes to:OTHER (moves BN buffers under --bn perturb). */
  other?: string;
  grid?: [number, number];
  threads?: number;
}

/** The job `terrain surface/curve` would build for these options (directions: gaussian seeds 1 and 2, or to:OTHER). */
export async function makeTestJob(o: TestJobOptions): Promise<LandscapeJob> {
  const m = loadModelFile(o.model);
  const data = resolveData('digits', { split: 'train', samples: o.samples ?? 200, seed: 0 });
  const kind = o.kind ?? 'surface';
  const specs = [o.other ? `to:${o.other}` : 'gaussian:seed=1', 'gaussian:seed=2'].slice(0, kind === 'curve' ? 1 : 2);
  const directions = await resolveDirections(specs, {
    theta: m.theta,
    loadParams: async (path) => ({ layout: m.theta.layout, data: loadModelFile(path).theta.data }),
  });
  const bn = o.bn ?? 'eval';
  const [nx, ny] = o.grid ?? [5, 4];
  return {
    kind, model: m,
    data: { source: 'digits', split: 'train', samples: o.samples ?? 200, seed: 0, hash: data.selected.hash, count: data.selected.count },
    batches: makeBatches(data.selected, 64), batchSize: 64, directions,
    bufferDeltas: specs.map((s) => (bn === 'perturb' && s.startsWith('to:') ? bufferDelta(m.buffers, loadModelFile(o.other!).buffers) : undefined)),
    bn, recomputeBatches: bn === 'recompute' ? makeBatches(data.train, 64).slice(0, 2) : undefined,
    ranges: (kind === 'curve' ? [nx] : [nx, ny]).map((count) => ({ from: -1, to: 1, count })),
    outDir: o.outDir, threads: o.threads ?? 1, info: {},
  };
}
