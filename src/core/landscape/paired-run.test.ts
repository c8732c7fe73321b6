import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { permutedBatches, type AdaptiveOptions } from './adaptive.js';
import { blockEvaluator, runLandscape, type CurveResult, type LandscapeJob } from './job.js';
import { startPointWorkers } from './point-pool.js';
import { SAMPLES_FILE } from './sample-log.js';
import { smallLandscapeJob } from '../../testing/landscape.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'terrain-paired-'));
const adaptive: AdaptiveOptions = { tolerance: { kind: 'absolute', value: 0.12 }, minSamples: 32, seed: 3 };
const curveJob = (dir: string): LandscapeJob => ({ ...smallLandscapeJob('curve', dir), adaptive });

test('a tolerance curve carries the covariance of its points; paired errors match a brute force on its per-sample losses', async () => {
  const job = curveJob(tmp());
  const r = (await runLandscape(job)).result as CurveResult;
  const c = r.lossCovariance!;
  assert.equal(c.length, r.loss.length);
  // Brute force: each point's per-sample losses in the permutation's order (one sample per batch), then the variance
  // of the difference of two nested prefix means without replacement, from the sample moments.
  const N = 200;
  const single = blockEvaluator({ ...job, sampleBatches: permutedBatches(job.batches, 1, 3) });
  const losses = await Promise.all(r.samples!.map(async (n, i) => (await single({ index: i, from: 0, count: n })).map((b) => b.lossSum)));
  const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
  const cov = (a: number[], b: number[]): number => { const ma = mean(a), mb = mean(b); return a.reduce((s, x, k) => s + (x - ma) * (b[k]! - mb), 0) / (a.length - 1); };
  let compared = 0;
  for (let i = 0; i < r.loss.length; i++) {
    for (let j = 0; j < i; j++) {
      const [na, nb] = [r.samples![i]!, r.samples![j]!];
      const [big, small] = na >= nb ? [losses[i]!, losses[j]!] : [losses[j]!, losses[i]!];
      const m = small.length, M = big.length;
      const d = big.slice(0, m).map((x, k) => x - small[k]!);
      const want = M === N ? (m === N ? 0 : cov(small, small) * (1 / m - 1 / N)) : cov(d, d) * (1 / M - 1 / N) + cov(small, small) * (1 / m - 1 / M);
      const got = c[i]![i]! + c[j]![j]! - 2 * c[i]![j]!;
      assert.ok(Math.abs(got - want) <= 1e-9 * Math.max(want, 1e-12), `points ${i},${j}: ${got} vs ${want}`);
      // Shared samples: the paired error is below the independent one wherever both points are subsamples.
      if (M < N) assert.ok(Math.sqrt(got) < Math.hypot(r.lossSampleStderr![i]!, r.lossSampleStderr![j]!));
      compared++;
    }
    assert.ok(Math.abs(c[i]![i]! - r.lossSampleStderr![i]! ** 2) <= 1e-15);
  }
  assert.ok(compared > 0 && r.samples!.some((n) => n < N), `samples ${r.samples}`);
});

test('an interrupted tolerance curve resumes to the same result.json, covariance included', async () => {
  const whole = tmp();
  await runLandscape(curveJob(whole));
  const cut = tmp();
  const ac = new AbortController();
  await assert.rejects(runLandscape({ ...curveJob(cut), signal: ac.signal, onProgress: (p) => { if (p.computedNow >= 9) ac.abort(); } }), /interrupted/);
  appendFileSync(join(cut, SAMPLES_FILE), '{"index":2,"from":2,"batc');
  await runLandscape(curveJob(cut));
  const text = readFileSync(join(cut, 'result.json'), 'utf8');
  assert.ok(text.includes('lossCovariance'));
  assert.equal(text, readFileSync(join(whole, 'result.json'), 'utf8'));
});

test('curve blocks keep per-sample losses bit-identical on worker threads; their sums are unchanged', async () => {
  const job = smallLandscapeJob('curve', tmp());
  const sampleBatches = permutedBatches(job.batches, job.batchSize, 9);
  const local = blockEvaluator({ ...job, sampleBatches });
  const plainSums = blockEvaluator({ ...job, kind: 'surface', ranges: [job.ranges[0]!, { from: 0, to: 0, count: 1 }], directions: [job.directions[0]!, job.directions[0]!], bufferDeltas: [undefined, undefined], sampleBatches });
  const pool = await startPointWorkers({ ...job, sampleBatches }, 1, 1);
  try {
    const task = { index: 3, from: 1, count: 3 };
    const ours = await pool.blockEvaluators[0]!(task);
    const mine = await local(task);
    assert.deepEqual(ours, mine);
    const plain = await plainSums(task);
    mine.forEach((b, k) => {
      const l = (b as { losses?: Float64Array }).losses!;
      assert.equal(l.length, b.size);
      assert.equal(l.reduce((s, x) => s + x, 0), plain[k]!.lossSum, 'Σ per-sample losses = the block\'s loss sum, bit for bit');
      assert.equal(b.lossSum, plain[k]!.lossSum);
    });
  } finally {
    await pool.close();
  }
});
