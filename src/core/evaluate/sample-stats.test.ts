import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../rng.js';
import { float32, int64 } from '../../ir/tensor.js';
import { combineBatches, crossEntropyStats, type BatchStats } from './metrics.js';
import { batchStatsFromSamples, finiteStderr, sampleStats } from './sample-stats.js';

/** Two-pass float64 reference: sample variance about the mean, s²/n·(1 − n/N). */
function reference(values: readonly number[], population: number): number {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const s2 = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  return Math.sqrt((s2 / n) * (1 - n / population));
}

test('finiteStderr equals the two-pass float64 formula on subsamples, and is 0 on the whole population', () => {
  const rng = createRng(3);
  const values = Array.from({ length: 500 }, () => 2 + Math.exp(rng.normal()));
  for (const n of [2, 7, 100, 499]) {
    const v = values.slice(0, n);
    const sum = v.reduce((a, b) => a + b, 0), sq = v.reduce((a, b) => a + b * b, 0);
    const got = finiteStderr(sum, sq, n, values.length), want = reference(v, values.length);
    assert.ok(Math.abs(got - want) <= 1e-10 * want, `n=${n}: ${got} vs ${want}`);
  }
  const all = values.reduce((a, b) => a + b, 0);
  assert.equal(finiteStderr(all, values.reduce((a, b) => a + b * b, 0), 500, 500), 0);
  assert.equal(finiteStderr(1, 1, 1, 10), Infinity);
  assert.equal(finiteStderr(6, 12, 3, 10), 0, 'equal values have no spread (clamped, not a NaN)');
  assert.throws(() => finiteStderr(1, 1, 11, 10), /11 samples drawn from a population of 10/);
});

function randomBatches(seed: number, sizes: number[], k = 5): { stats: BatchStats[]; losses: number[]; hits: number[] } {
  const rng = createRng(seed);
  const stats: BatchStats[] = [], losses: number[] = [], hits: number[] = [];
  for (const n of sizes) {
    const z = Array.from({ length: n * k }, () => 3 * rng.normal());
    const y = Array.from({ length: n }, () => rng.int(k));
    stats.push(crossEntropyStats(float32([n, k], z), int64([n], y)));
    // Per-sample reference, one sample at a time.
    for (let s = 0; s < n; s++) {
      const one = crossEntropyStats(float32([1, k], z.slice(s * k, (s + 1) * k)), int64([1], [y[s]!]));
      losses.push(one.lossSum);
      hits.push(one.correct);
    }
  }
  return { stats, losses, hits };
}

test('sampleStats: loss, accuracy and per-batch stderr are combineBatches\' own numbers; per-sample errors match a direct computation', () => {
  const { stats, losses, hits } = randomBatches(1, [16, 16, 9]);
  const population = 120;
  const s = sampleStats(stats, population);
  const old = combineBatches(stats);
  assert.equal(s.loss, old.loss);
  assert.equal(s.accuracy, old.accuracy);
  assert.equal(s.lossStderr, old.lossStderr);
  assert.equal(s.samples, 41);
  const want = reference(losses, population);
  assert.ok(Math.abs(s.lossSampleStderr - want) <= 1e-10 * want, `${s.lossSampleStderr} vs ${want}`);
  const acc = reference(hits, population);
  assert.ok(Math.abs(s.accuracyStderr - acc) <= 1e-10 * acc, `${s.accuracyStderr} vs ${acc}`);
  // The same samples as the whole population: no error left, the values unchanged.
  const whole = sampleStats(stats, 41);
  assert.equal(whole.lossSampleStderr, 0);
  assert.equal(whole.accuracyStderr, 0);
  assert.equal(whole.loss, old.loss);
});

test('crossEntropyStats: the sum of squares is the sum of the squared per-sample losses', () => {
  const { stats, losses } = randomBatches(2, [12]);
  const want = losses.reduce((a, l) => a + l * l, 0);
  assert.ok(Math.abs(stats[0]!.lossSqSum! - want) <= 1e-12 * want);
});

test('per-sample outputs of a loss graph give the same sums as crossEntropyStats on the logits', () => {
  const { stats, losses, hits } = randomBatches(4, [10]);
  const b = batchStatsFromSamples(Float64Array.from(losses), hits);
  assert.equal(b.lossSum, stats[0]!.lossSum);
  assert.equal(b.lossSqSum, stats[0]!.lossSqSum);
  assert.equal(b.correct, stats[0]!.correct);
  assert.equal(b.size, 10);
  assert.throws(() => batchStatsFromSamples([1, 2], [1]), /sample_loss holds 2 values but sample_correct 1/);
});
