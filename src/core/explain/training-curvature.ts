// tr(H) and λ_max at every checkpoint of a training directory (init, epoch-N, final), on the same batches: how
// curvature evolves during training. Each checkpoint gets its own operator; the estimators use the same seeds at
// every checkpoint so that differences are not probe noise alone.
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { LabeledBatch } from '../evaluate/point.js';
import { hutchinsonTrace } from '../hessian/hutchinson.js';
import { lanczos, residualNorms } from '../hessian/lanczos.js';
import { modelHessian, type ModelHessianOptions } from '../hessian/model-operator.js';
import { loadCheckpoint } from '../../ir/checkpoint.js';
import { loadModelFile, type LoadedModel } from '../model-file.js';
import { createRng } from '../rng.js';
import { InputError, option, worded, type OptionMention } from '../../ir/errors.js';

/** A training directory without readable checkpoints; an input error (exit 2). */
export class CheckpointDirectoryError extends InputError {
  override name = 'CheckpointDirectoryError';
}

export interface CheckpointFile {
  path: string;
  /** Training epoch from the checkpoint's metadata (init = 0), or from the file name. */
  epoch: number;
}

/** init, then epoch-N and step-N in training order (step checkpoints placed by the fractional epoch in their
 * metadata), then final; other .safetensors files are left out. Throws on an empty directory; `what` (e.g. the
 * option that gave it, option('checkpoints')) names the directory in errors. */
export function trainingCheckpoints(dir: string, what: string | OptionMention = 'checkpoint directory'): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new CheckpointDirectoryError(worded`${what} ${dir}: cannot read the directory (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const epochOf = (n: string): number => Number(/^epoch-(\d+)\.safetensors$/.exec(n)?.[1] ?? NaN);
  const isStep = (n: string): boolean => /^step-\d+\.safetensors$/.test(n);
  const picked = names.filter((n) => n === 'init.safetensors' || n === 'final.safetensors' || Number.isFinite(epochOf(n)) || isStep(n));
  if (picked.length === 0) throw new CheckpointDirectoryError(worded`${what} ${dir}: no init.safetensors, epoch-N.safetensors or final.safetensors, nor step-N.safetensors (train with terrain train ${option('save-every', 'N')} or ${option('save-steps', 'LIST')})`);
  const progress = (n: string): number => {
    if (n === 'init.safetensors') return -Infinity;
    if (n === 'final.safetensors') return Infinity;
    if (!isStep(n)) return epochOf(n);
    const epoch = Number((loadCheckpoint(join(dir, n)).meta as { epoch?: unknown }).epoch);
    if (!Number.isFinite(epoch)) throw new CheckpointDirectoryError(worded`${what} ${dir}: ${n} has no epoch in its metadata (expected one written by terrain train ${option('save-steps')})`);
    return epoch;
  };
  const keyed = picked.map((n) => ({ n, p: progress(n) }));
  keyed.sort((a, b) => a.p - b.p || (isStep(a.n) ? 1 : 0) - (isStep(b.n) ? 1 : 0));
  return keyed.map((k) => join(dir, k.n));
}

export interface CheckpointCurvature {
  path: string;
  name: string;
  epoch: number;
  loss: number;
  accuracy: number;
  trace: { mean: number; stderr: number; samples: number };
  lambdaMax: number;
  /** Measured ‖H v − λ_max v‖. */
  lambdaMaxResidual: number;
  matvecs: number;
}

export interface CurvatureOverTrainingOptions extends Pick<ModelHessianOptions, 'method' | 'bn' | 'params' | 'threads' | 'loss'> {
  traceSamples: number;
  seed: number;
  /** Lanczos tolerance for λ_max (default 1e-4). */
  tol?: number;
  onCheckpoint?: (done: number, total: number, last: CheckpointCurvature) => void;
}

export async function curvatureOverTraining(paths: readonly string[], batches: readonly LabeledBatch[], o: CurvatureOverTrainingOptions): Promise<CheckpointCurvature[]> {
  const out: CheckpointCurvature[] = [];
  let first: LoadedModel | undefined;
  for (const path of paths) {
    const m = loadModelFile(path);
    first ??= m;
    first.theta.layout.assertSame(m.theta.layout, `checkpoint ${path}`);
    const op = await modelHessian(m, batches, { method: o.method, bn: o.bn, params: o.params, threads: o.threads, loss: o.loss });
    try {
      const top = await lanczos(op, { k: 1, tol: o.tol ?? 1e-4, maxRestarts: 0, rng: createRng(o.seed) });
      const [residual] = await residualNorms(op, top.eigenvalues, top.eigenvectors);
      const tr = await hutchinsonTrace(op, { samples: o.traceSamples, rng: createRng(o.seed + 1) });
      const atTheta = await op.productWithGradient(new Float64Array(op.size));
      const metaEpoch = Number((m.meta as { epoch?: unknown }).epoch);
      const rec: CheckpointCurvature = {
        path, name: basename(path), epoch: Number.isFinite(metaEpoch) ? metaEpoch : Number(/(\d+)/.exec(basename(path))?.[1] ?? NaN),
        loss: atTheta.loss, accuracy: atTheta.accuracy,
        trace: { mean: tr.estimate, stderr: tr.stderr, samples: tr.samples },
        lambdaMax: top.eigenvalues[0]!, lambdaMaxResidual: residual!, matvecs: op.matvecs,
      };
      out.push(rec);
      o.onCheckpoint?.(out.length, paths.length, rec);
    } finally {
      await op.dispose();
    }
  }
  return out;
}
