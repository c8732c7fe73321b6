// Test support: a tanh MLP trained on the bundled digits (seconds), with checkpoints every 5 epochs, shared by the
// tests of one file through a module-level promise.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel } from '../ir/zoo/index.js';
import { makeBatches, resolveData } from '../core/data/index.js';
import type { LabeledBatch } from '../core/evaluate/point.js';
import { loadModelFile, type LoadedModel } from '../core/model-file.js';
import { train } from '../core/train/train.js';

export interface TrainedDigits {
  dir: string;
  final: LoadedModel;
  init: LoadedModel;
  checkpoints: string[];
  /** Training samples used for curvature (a seeded stratified subset, to keep the tests fast). */
  batches: LabeledBatch[];
}

let pending: Promise<TrainedDigits> | undefined;

export function trainedDigits(): Promise<TrainedDigits> {
  pending ??= (async () => {
    const data = resolveData('digits', { split: 'train' });
    const dir = mkdtempSync(join(tmpdir(), 'terrain-explain-'));
    const spec = { arch: 'mlp', options: { widths: [64, 32], activation: 'tanh' }, inputShape: [...data.train.shape], classes: data.train.classes };
    const result = await train({
      model: buildModel(spec, 0), train: data.train, test: data.test, outDir: dir, meta: { dataset: 'digits' },
      config: { epochs: 15, batch: 64, lr: 0.1, optimizer: { kind: 'sgd', momentum: 0.9, nesterov: false, weightDecay: 5e-4 }, schedule: 'cosine', seed: 0, saveEvery: 5, threads: 1 },
    });
    const subset = resolveData('digits', { split: 'train', samples: 600, seed: 0 }).selected;
    return {
      dir, checkpoints: result.checkpoints,
      final: loadModelFile(join(dir, 'final.safetensors')), init: loadModelFile(join(dir, 'init.safetensors')),
      batches: makeBatches(subset, 200),
    };
  })();
  return pending;
}
