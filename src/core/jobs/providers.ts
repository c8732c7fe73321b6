// What a command's directions may refer to besides θ: ∇L (the `gradient` direction), the Hessian's top eigenvectors
// (`eigen:K`), checkpoints (`to:`), mined directions. Built once per command from its model and batches; each
// expensive vector is computed at most once and only when a spec asks for it.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadDirection } from '../directions/io.js';
import type { DirectionContext } from '../directions/index.js';
import type { LabeledBatch } from '../evaluate/point.js';
import { lanczos } from '../hessian/lanczos.js';
import { fullGradient } from '../hessian/model-gradient.js';
import { modelHessian } from '../hessian/model-operator.js';
import type { LossChoice } from '../loss/choice.js';
import { loadMinedDirection } from '../mine/load.js';
import { loadModelFile, type LoadedModel } from '../model-file.js';
import type { ParamVector } from '../params.js';
import { createRng } from '../rng.js';
import { InputError, option, worded, type Worded } from '../../ir/errors.js';

/** Lanczos tolerance of the eigen:K vectors computed here (residual relative to the eigenvalue). */
export const EIGEN_LANCZOS_TOL = 1e-5;
/** Seed of Lanczos' start vector for eigen:K, fixed so that a run's directions are the same every time. */
export const EIGEN_LANCZOS_SEED = 0;

/** An eigen:K direction that cannot be had: the saved eigenvector is missing or belongs to another model. */
export class EigenDirectionError extends InputError {
  override name = 'EigenDirectionError';
}

/**
 * ∇L at θ for the `gradient` direction: the mean-loss gradient over the command's data (batches weighted by size),
 * with BN running statistics (eval mode), computed once. `loss`: the command's loss (default cross-entropy).
 */
export function gradientProvider(m: LoadedModel, batches: readonly LabeledBatch[], threads = 0, loss?: LossChoice): () => Promise<ParamVector> {
  let cached: Promise<ParamVector> | undefined;
  return () => (cached ??= fullGradient(m, batches, { bn: 'eval', threads, loss }).then((g) => g.gradient));
}

/**
 * The k-th Hessian eigenvector for `eigen:K`: read from a `terrain hessian` output directory (checked against the
 * model file's hash), or computed by Lanczos on the exact Hessian of the batches (BN eval) when no directory is
 * given; `notice` hears one line before that (long) computation starts.
 */
export function eigenvectorProvider(m: LoadedModel, batches: readonly LabeledBatch[], hessianDir?: string, threads = 0, loss?: LossChoice, notice?: (line: Worded) => void): (k: number) => Promise<ParamVector> {
  if (hessianDir) return async (k) => savedEigenvector(m, hessianDir, k);
  let cache: Promise<ParamVector[]> | undefined;
  let cachedK = 0;
  return async (k) => {
    if (!cache || k > cachedK) {
      cachedK = k;
      notice?.(worded`eigen:${k}: computing the top ${k} Hessian eigenvector(s) (exact HVP, BN eval, ${batches.reduce((s, b) => s + b.size, 0)} samples); pass ${option('hessian', 'DIR')} to reuse a terrain hessian run`);
      cache = topEigenvectors(m, batches, k, threads, loss);
    }
    return (await cache)[k - 1]!;
  };
}

async function topEigenvectors(m: LoadedModel, batches: readonly LabeledBatch[], k: number, threads: number, loss?: LossChoice): Promise<ParamVector[]> {
  const op = await modelHessian(m, batches, { threads, loss });
  try {
    const r = await lanczos(op, { k, tol: EIGEN_LANCZOS_TOL, rng: createRng(EIGEN_LANCZOS_SEED) });
    return r.eigenvectors.map((v) => op.embed(v));
  } finally {
    await op.dispose();
  }
}

function savedEigenvector(m: LoadedModel, dir: string, k: number): ParamVector {
  const path = join(dir, `eigen-${k}.safetensors`);
  if (!existsSync(path)) {
    const have = existsSync(dir) ? readdirSync(dir).filter((n) => /^eigen-\d+\.safetensors$/.test(n)).length : 0;
    throw new EigenDirectionError(worded`eigen:${k}: ${path} does not exist (${dir} holds ${have} top eigenvector(s)); run terrain hessian ${option('top', k)} ${option('out', dir, `output ${dir}`)}`);
  }
  const { vector, metadata } = loadDirection(path, m.theta.layout);
  if (metadata['model_sha256'] && metadata['model_sha256'] !== m.hash) {
    throw new EigenDirectionError(worded`eigen:${k}: ${path} was computed for another model file (sha256 ${metadata['model_sha256'].slice(0, 12)}…, ${option('model', m.path)} has ${m.hash.slice(0, 12)}…)`);
  }
  return vector;
}

/** The direction context of a model: θ, checkpoints and mined directions in its layout, and the optional providers. */
export function directionContext(m: LoadedModel, gradient?: () => Promise<ParamVector>, eigenvector?: (k: number) => Promise<ParamVector>): DirectionContext {
  return {
    theta: m.theta,
    gradient,
    eigenvector,
    mined: async (path) => loadMinedDirection(path, m.theta.layout),
    loadParams: async (path) => {
      const other = loadModelFile(path);
      m.theta.layout.assertSame(other.theta.layout, path);
      return { layout: m.theta.layout, data: other.theta.data };
    },
  };
}
