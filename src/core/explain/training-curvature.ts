// tr(H) and λ_max at every checkpoint of a training directory (init, epoch-N, final), on the same batches: how
// curvature evolves during training. Each checkpoint gets its own operator; the estimators use the same seeds at
// every checkpoint so that differences are not probe noise alone.
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { LabeledBatch } from '../evaluate/point.js';
import { hutchinsonTrace } from '../hessian/hutchinson.js';
import { lanczos, residualNorms } from '../hessian/lanczos.js';
import { modelHessian, type ModelHessianOptions } from '../hessian/model-operator.js';
import { loadModelFile, type LoadedModel } from '../model-file.js';
import { createRng } from '../rng.js';

export interface CheckpointFile {
  path: string;
  /** Training epoch from the checkpoint's metadata (init = 0), or from the file name. */
  epoch: number;
}

const ORDER = (name: string): number => (name === 'init.safetensors' ? 0 : name === 'final.safetensors' ? 2 : 1);

/** init, epoch-N in epoch order, final; other .safetensors files are left out. Throws on an empty directory. */
export function trainingCheckpoints(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new Error(`--checkpoints ${dir}: cannot read the directory (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const epochOf = (n: string): number => Number(/^epoch-(\d+)\.safetensors$/.exec(n)?.[1] ?? NaN);
  const picked = names.filter((n) => n === 'init.safetensors' || n === 'final.safetensors' || Number.isFinite(epochOf(n)));
  if (picked.length === 0) throw new Error(`--checkpoints ${dir}: no init.safetensors, epoch-N.safetensors or final.safetensors (train with terrain train --save-every N)`);
  picked.sort((a, b) => ORDER(a) - ORDER(b) || epochOf(a) - epochOf(b));
  return picked.map((n) => join(dir, n));
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

export interface CurvatureOverTrainingOptions extends Pick<ModelHessianOptions, 'method' | 'bn' | 'params' | 'threads'> {
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
    const op = await modelHessian(m, batches, { method: o.method, bn: o.bn, params: o.params, threads: o.threads });
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
