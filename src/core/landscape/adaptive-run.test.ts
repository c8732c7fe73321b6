import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { messageWith, type OptionMention } from '../../ir/errors.js';
import { RunMismatchError } from '../runs/run-dir-errors.js';
import { permutedBatches, type AdaptiveOptions } from './adaptive.js';
import { blockEvaluator, runLandscape, type CurveResult, type LandscapeJob, type SurfaceResult } from './job.js';
import { startPointWorkers } from './point-pool.js';
import { SAMPLES_FILE } from './sample-log.js';
import { smallLandscapeJob } from '../../testing/landscape.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'terrain-adaptive-'));
const adaptive = (tolerance: AdaptiveOptions['tolerance'], minSamples = 32, seed = 3): AdaptiveOptions => ({ tolerance, minSamples, seed });
const readResult = (dir: string): string => readFileSync(join(dir, 'result.json'), 'utf8');

test('a plain run keeps its fields; a point grown to the whole split has error 0 and today\'s values bit for bit', async () => {
  const plain = (await runLandscape(smallLandscapeJob('curve', tmp()))).result as CurveResult;
  assert.deepEqual(Object.keys(plain).sort(), ['accuracy', 'bn', 'direction', 'features', 'kind', 'lambdas', 'loss', 'lossStderr', 'type']);
  // No target a 200-sample split can meet: every point ends on the whole split, evaluated in its own order.
  const job = { ...smallLandscapeJob('curve', tmp()), adaptive: adaptive({ kind: 'absolute', value: 1e-9 }) };
  const full = (await runLandscape(job)).result as CurveResult;
  assert.deepEqual(full.loss, plain.loss);
  assert.deepEqual(full.accuracy, plain.accuracy);
  assert.deepEqual(full.lossStderr, plain.lossStderr);
  assert.deepEqual(full.samples, plain.loss.map(() => 200));
  assert.deepEqual(full.lossSampleStderr, plain.loss.map(() => 0));
  assert.deepEqual(full.accuracyStderr, plain.loss.map(() => 0));
  assert.equal(full.adaptive!.population, 200);
});

test('with --tolerance every point meets the target or uses the whole split; a subsample\'s error is its per-sample losses\' own', async () => {
  const job: LandscapeJob = { ...smallLandscapeJob('curve', tmp()), adaptive: adaptive({ kind: 'absolute', value: 0.12 }) };
  const r = (await runLandscape(job)).result as CurveResult;
  const a = r.adaptive!;
  assert.equal(a.target, 0.12);
  r.samples!.forEach((n, i) => {
    if (n === 200) assert.equal(r.lossSampleStderr![i], 0);
    else assert.ok(r.lossSampleStderr![i]! <= 0.12 && n >= 32 && n % 16 === 0, `point ${i}: ${n} samples, error ${r.lossSampleStderr![i]}`);
  });
  const partial = r.samples!.map((n, i) => [n, i] as const).filter(([n]) => n < 200);
  assert.ok(partial.length >= 2 && new Set(r.samples).size >= 2, `samples ${r.samples}`);
  assert.ok(a.sampleEvaluations < a.exhaustiveEvaluations);
  assert.ok(typeof r.typeConfidence === 'number' && typeof r.uncertain === 'boolean', 'the curve type comes with its confidence');
  // Direct: the same permutation one sample per batch, each batch's loss sum is one sample's loss.
  const single = blockEvaluator({ ...job, sampleBatches: permutedBatches(job.batches, 1, 3) });
  for (const [n, i] of partial.slice(0, 3)) {
    const losses = (await single({ index: i, from: 0, count: n })).map((b) => b.lossSum);
    const mean = losses.reduce((s, l) => s + l, 0) / n;
    const s2 = losses.reduce((s, l) => s + (l - mean) ** 2, 0) / (n - 1);
    const want = Math.sqrt((s2 / n) * (1 - n / 200));
    assert.ok(Math.abs(r.loss[i]! - mean) <= 1e-6 * mean, `point ${i}: loss ${r.loss[i]} vs ${mean}`);
    assert.ok(Math.abs(r.lossSampleStderr![i]! - want) <= 1e-6 * want, `point ${i}: error ${r.lossSampleStderr![i]} vs ${want}`);
  }
});

test('a relative target is a percentage of the first pass\'s loss range', async () => {
  const job: LandscapeJob = { ...smallLandscapeJob('surface', tmp()), adaptive: adaptive({ kind: 'relative', percent: 5 }) };
  const r = (await runLandscape(job)).result as SurfaceResult;
  assert.ok(r.adaptive!.target > 0 && r.adaptive!.target < 0.05 * (Math.max(...r.loss.flat()) - Math.min(...r.loss.flat())) * 2);
  r.samples!.flat().forEach((n, k) => assert.ok(n === 200 || r.lossSampleStderr!.flat()[k]! <= r.adaptive!.target));
});

test('an interrupted tolerance run (stopped in pass 2, its log torn mid-line) resumes to the same result.json', async () => {
  const make = (dir: string): LandscapeJob => ({ ...smallLandscapeJob('surface', dir), adaptive: adaptive({ kind: 'absolute', value: 0.1 }) });
  const whole = tmp();
  const r = await runLandscape(make(whole));
  assert.ok(r.result.adaptive!.passes >= 3, `only ${r.result.adaptive!.passes} passes`);
  const cut = tmp();
  const ac = new AbortController();
  await assert.rejects(runLandscape({ ...make(cut), signal: ac.signal, onProgress: (p) => { if (p.computedNow >= 14) ac.abort(); } }), /interrupted/);
  appendFileSync(join(cut, SAMPLES_FILE), '{"index":5,"from":2,"batc');
  const resumed = await runLandscape(make(cut));
  assert.ok(resumed.resumed >= 0);
  assert.equal(readResult(cut), readResult(whole));
});

test('a finished point without blocks in samples.jsonl is refused as a run directory problem (the CLI: --out)', async () => {
  const dir = tmp();
  const job = (): LandscapeJob => ({ ...smallLandscapeJob('curve', dir), adaptive: adaptive({ kind: 'absolute', value: 10 }) });
  await runLandscape(job());
  writeFileSync(join(dir, SAMPLES_FILE), '');
  const asFlag = (m: OptionMention): string => (m.value === undefined ? `--${m.option}` : `--${m.option} ${m.value}`);
  await assert.rejects(runLandscape(job()), (e: unknown) => e instanceof RunMismatchError &&
    /: point 0 is in points\.jsonl but has no blocks; remove the run directory or use another output$/.test(e.message) &&
    messageWith(e, asFlag).endsWith('but has no blocks; remove the run directory or use another --out'));
});

test('block tasks on worker threads are bit-identical to the main thread\'s', async () => {
  const job = smallLandscapeJob('surface', tmp());
  const sampleBatches = permutedBatches(job.batches, job.batchSize, 9);
  const local = blockEvaluator({ ...job, sampleBatches });
  const pool = await startPointWorkers({ ...job, sampleBatches }, 2, 1);
  try {
    const tasks = [{ index: 0, from: 0, count: 2 }, { index: 7, from: 3, count: 4 }, { index: 11, full: true as const }];
    const ours = await Promise.all(tasks.map((t, k) => pool.blockEvaluators[k % 2]!(t)));
    for (let k = 0; k < tasks.length; k++) assert.deepEqual(ours[k], await local(tasks[k]!));
    assert.notDeepEqual(ours[0], ours[1]);
  } finally {
    await pool.close();
  }
});
