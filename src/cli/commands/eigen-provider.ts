// The k-th Hessian eigenvector for `eigen:K` directions: read from a `terrain hessian` output directory (--hessian
// DIR, checked against the model file's hash), or computed here by Lanczos on the exact Hessian of the command's data
// (BN eval, seed 0) when no directory is given.
import type { LossChoice } from '../../core/loss/choice.js';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadDirection } from '../../core/directions/io.js';
import type { LabeledBatch } from '../../core/evaluate/point.js';
import { lanczos } from '../../core/hessian/lanczos.js';
import { modelHessian } from '../../core/hessian/model-operator.js';
import type { LoadedModel } from '../../core/model-file.js';
import type { ParamVector } from '../../core/params.js';
import { createRng } from '../../core/rng.js';
import { UsageError } from '../errors.js';

export function eigenvectorProvider(m: LoadedModel, batches: readonly LabeledBatch[], hessianDir?: string, threads = 0, loss?: LossChoice): (k: number) => Promise<ParamVector> {
  if (hessianDir) return async (k) => savedEigenvector(m, hessianDir, k);
  let cache: Promise<ParamVector[]> | undefined;
  let cachedK = 0;
  return async (k) => {
    if (!cache || k > cachedK) {
      cachedK = k;
      process.stderr.write(`eigen:${k}: computing the top ${k} Hessian eigenvector(s) (exact HVP, BN eval, ${batches.reduce((s, b) => s + b.size, 0)} samples); pass --hessian DIR to reuse a terrain hessian run\n`);
      cache = topEigenvectors(m, batches, k, threads, loss);
    }
    return (await cache)[k - 1]!;
  };
}

async function topEigenvectors(m: LoadedModel, batches: readonly LabeledBatch[], k: number, threads: number, loss?: LossChoice): Promise<ParamVector[]> {
  const op = await modelHessian(m, batches, { threads, loss });
  try {
    const r = await lanczos(op, { k, tol: 1e-5, rng: createRng(0) });
    return r.eigenvectors.map((v) => op.embed(v));
  } finally {
    await op.dispose();
  }
}

function savedEigenvector(m: LoadedModel, dir: string, k: number): ParamVector {
  const path = join(dir, `eigen-${k}.safetensors`);
  if (!existsSync(path)) {
    const have = existsSync(dir) ? readdirSync(dir).filter((n) => /^eigen-\d+\.safetensors$/.test(n)).length : 0;
    throw new UsageError(`eigen:${k}: ${path} does not exist (${dir} holds ${have} top eigenvector(s)); run terrain hessian --top ${k} --out ${dir}`);
  }
  const { vector, metadata } = loadDirection(path, m.theta.layout);
  if (metadata['model_sha256'] && metadata['model_sha256'] !== m.hash) {
    throw new UsageError(`eigen:${k}: ${path} was computed for another model file (sha256 ${metadata['model_sha256'].slice(0, 12)}…, --model ${m.path} has ${m.hash.slice(0, 12)}…)`);
  }
  return vector;
}
