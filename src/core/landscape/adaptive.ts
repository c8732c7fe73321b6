// The tolerance option: a point's sample count grows until its loss has the stated standard error. Every point draws its
// samples from one seeded permutation of the selected split (common random numbers: neighbouring points see the same
// samples, so their differences are far more precise than their values), in batches of the permutation.
import type { Tensor } from '../../ir/tensor.js';
import type { LabeledBatch } from '../evaluate/point.js';
import { createRng, permutation } from '../rng.js';
import { InputError, option, worded, type OptionMention } from '../../ir/errors.js';

/** A stated error: absolute (loss units) or a percentage of the landscape's loss range after the first pass. */
export type Tolerance = { kind: 'absolute'; value: number } | { kind: 'relative'; percent: number };

export interface AdaptiveOptions {
  tolerance: Tolerance;
  /** Samples every point sees at least (its first block, rounded up to whole batches). */
  minSamples: number;
  /** Seed of the permutation of the selected split shared by every point. */
  seed: number;
}

export class ToleranceError extends InputError {
  override name = 'ToleranceError';
}

/** "0.01" (loss units) or "1%" (of the loss range); `what` names the value in errors. */
export function parseTolerance(text: string, what: string | OptionMention = option('tolerance')): Tolerance {
  const relative = text.trim().endsWith('%');
  const body = relative ? text.trim().slice(0, -1) : text.trim();
  const v = Number(body);
  if (body === '' || !Number.isFinite(v) || v <= 0 || (relative && v >= 100)) {
    throw new ToleranceError(worded`${what} '${text}' is not a positive loss difference (e.g. 0.01) or a percentage of the loss range below 100 (e.g. 1%)`);
  }
  return relative ? { kind: 'relative', percent: v } : { kind: 'absolute', value: v };
}

export function formatTolerance(t: Tolerance): string {
  return t.kind === 'relative' ? `${t.percent}%` : String(t.value);
}

/** The target standard error: absolute as given, relative from the range of the finite first-pass losses. */
export function targetOf(t: Tolerance, firstPassLosses: readonly number[]): number {
  if (t.kind === 'absolute') return t.value;
  const finite = firstPassLosses.filter(Number.isFinite);
  if (finite.length === 0) return 0;
  return (t.percent / 100) * (Math.max(...finite) - Math.min(...finite));
}

/** Where a point stands: samples seen and the standard error of its mean loss (finite-population corrected). */
export interface PointProgress {
  samples: number;
  loss: number;
  lossSampleStderr: number;
  /** Sample variance of its per-sample losses. */
  variance: number;
}

export interface GrowthLimits {
  target: number;
  minSamples: number;
  /** Samples in the selected split. */
  population: number;
  batchSize: number;
}

/** Growth per pass at most ×4: a variance estimated from few samples can be far off. */
const MAX_GROWTH = 4;
/**
 * A point that needs at least this share of the split is evaluated on all of it at once, in the split's own order
 * (today's value bit for bit, error 0): growing it to n* would cost about as much and might take another pass.
 */
const WHOLE_SPLIT_FROM = 0.5;

/**
 * What a point needs next: nothing (its error meets the target with at least minSamples, its split is exhausted, or
 * its loss is not finite, which more samples cannot fix), or `samples` in all — `population` meaning the whole split.
 * From s² the samples needed are n* = 1 / (T²/s² + 1/N); the next size is n* clamped to [n + one batch, 4n], or
 * the whole split when n* is at least half of it.
 */
export function nextSampleCount(p: PointProgress, lim: GrowthLimits): number | undefined {
  const n = p.samples;
  if (n >= lim.population || !Number.isFinite(p.loss)) return undefined;
  if (p.lossSampleStderr <= lim.target && n >= lim.minSamples) return undefined;
  const T = lim.target;
  // Met already (only --min-samples is missing): n; no target to meet (T = 0): the whole split.
  const needed = p.lossSampleStderr <= T ? n : T > 0 ? 1 / ((T * T) / p.variance + 1 / lim.population) : lim.population;
  if (needed >= WHOLE_SPLIT_FROM * lim.population) return lim.population;
  const want = Math.min(Math.max(needed, n + lim.batchSize, lim.minSamples), MAX_GROWTH * n);
  const rounded = Math.ceil(want / lim.batchSize) * lim.batchSize;
  return Math.min(rounded, lim.population);
}

function rows(t: Tensor): number {
  return t.dims[0]!;
}

/**
 * The selected split's samples re-batched in the order of one seeded permutation (batchSize each, the last holds
 * the remainder). Sample k of the split is sample k of the concatenated `batches`.
 */
export function permutedBatches(batches: readonly LabeledBatch[], batchSize: number, seed: number): LabeledBatch[] {
  const total = batches.reduce((n, b) => n + b.size, 0);
  if (total === 0) throw new Error('no data to evaluate: the selected split is empty');
  const x0 = batches[0]!.x;
  const per = (x0.data as Float32Array).length / rows(x0);
  const xs = new Float32Array(total * per);
  const ys = new BigInt64Array(total);
  let at = 0;
  for (const b of batches) {
    xs.set(b.x.data as Float32Array, at * per);
    ys.set(b.y.data as BigInt64Array, at);
    at += b.size;
  }
  const order = permutation(createRng(seed), total);
  const out: LabeledBatch[] = [];
  for (let start = 0; start < total; start += batchSize) {
    const n = Math.min(batchSize, total - start);
    const x = new Float32Array(n * per);
    const y = new BigInt64Array(n);
    for (let j = 0; j < n; j++) {
      const i = order[start + j]!;
      x.set(xs.subarray(i * per, (i + 1) * per), j * per);
      y[j] = ys[i]!;
    }
    out.push({ x: { dtype: 'float32', dims: [n, ...x0.dims.slice(1)], data: x } as Tensor, y: { dtype: 'int64', dims: [n], data: y } as Tensor, size: n });
  }
  return out;
}
