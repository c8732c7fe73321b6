// The model-backed parts of mining on a small digits MLP: the probe against evaluation and finite differences, and a
// whole run (restarts, files, verdict on held-out data, resume after an interruption, mined:PATH loading).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel } from '../../ir/zoo/index.js';
import { makeBatches, resolveData } from '../data/index.js';
import { evaluateWeights } from '../evaluate/point.js';
import type { LoadedModel } from '../model-file.js';
import { selectParams } from '../directions/param-subset.js';
import { filterNorms, paramsOf, toTensors } from '../params.js';
import { createRng, normalArray } from '../rng.js';
import { prepareMiningData } from './data.js';
import { runMining, type MineJob } from './job.js';
import { loadMinedDirection } from './load.js';
import { ModelProbe } from './model-probe.js';
import { namedObjective } from './objectives.js';
import { DEFAULT_ADAM } from './optimize.js';

function smallModel(): LoadedModel {
  const model = buildModel({ arch: 'mlp', options: { widths: [24] }, inputShape: [1, 8, 8], classes: 10 }, 3);
  return { model, theta: paramsOf(model), buffers: new Map(), hash: 'mlp-24-seed-3', path: 'memory:mlp-24', meta: {} };
}

test('the probe’s loss equals evaluation on the same samples and its gradient matches central differences', async () => {
  const m = smallModel();
  const data = resolveData('digits', { split: 'test', samples: 200, seed: 1 }).selected;
  const probe = await ModelProbe.create(m.model, m.theta.layout, m.buffers, data, { batchSize: 200, threads: 1 });
  try {
    const at = probe.seeded(0).batch(1);
    const point = m.theta.data.slice();
    const r = await at(point, true);
    const ref = await evaluateWeights(m.model, toTensors(m.theta), makeBatches(data, 200), { threads: 1 });
    assert.ok(Math.abs(r.loss - ref.loss) <= 1e-5 * ref.loss, `probe ${r.loss}, evaluation ${ref.loss}`);
    const v = normalArray(createRng(2), point.length, 0.01);
    const h = 0.5;
    const shifted = (s: number): Float32Array => Float32Array.from(point, (p, i) => p + s * h * v[i]!);
    const fd = ((await at(shifted(1), false)).loss - (await at(shifted(-1), false)).loss) / (2 * h);
    let gv = 0;
    for (let i = 0; i < v.length; i++) gv += r.grad![i]! * v[i]!;
    assert.ok(Math.abs(fd - gv) <= 0.02 * Math.abs(gv), `directional derivative ${gv}, central difference ${fd}`);
    // batches: the same (seed, step) repeats; other seeds draw other samples
    const small = await ModelProbe.create(m.model, m.theta.layout, m.buffers, data, { batchSize: 32, threads: 1 });
    const l = async (seed: number, step: number): Promise<number> => (await small.seeded(seed).batch(step)(point, false)).loss;
    assert.equal(await l(0, 3), await l(0, 3));
    assert.notEqual(await l(0, 3), await l(1, 3));
    assert.equal(await l(4, 8), await l(4, 8));
    await small.dispose();
  } finally {
    await probe.dispose();
  }
});

test('with BatchNorm the probe uses the given running statistics, as eval-mode evaluation does', async () => {
  const model = buildModel({ arch: 'cnn-small', options: { channels: [4, 8] }, inputShape: [1, 8, 8], classes: 10 }, 1);
  const theta = paramsOf(model);
  // running statistics that differ from the graph's initial ones (mean 0, var 1), so using the wrong ones shows
  const buffers = new Map(model.buffers.map((b, k) => {
    const t = model.graph.initializers.get(b)!;
    return [b, { ...t, data: Float32Array.from(t.data as Float32Array, (_, i) => (b.endsWith('running_var') ? 0.02 + 0.02 * ((i + k) % 5) : 0.3 * (((i + k) % 3) - 1))) }] as const;
  }));
  const data = resolveData('digits', { split: 'test', samples: 100, seed: 2 }).selected;
  const probe = await ModelProbe.create(model, theta.layout, buffers, data, { batchSize: 100, threads: 1 });
  try {
    const r = await probe.seeded(0).batch(1)(theta.data.slice(), false);
    const ref = await evaluateWeights(model, new Map([...toTensors(theta), ...buffers]), makeBatches(data, 100), { threads: 1 });
    const stale = await evaluateWeights(model, toTensors(theta), makeBatches(data, 100), { threads: 1 });
    assert.ok(Math.abs(r.loss - ref.loss) <= 1e-5 * ref.loss, `probe ${r.loss}, evaluation ${ref.loss}`);
    assert.ok(Math.abs(stale.loss - ref.loss) > 1e-3 * ref.loss, 'the test statistics must matter');
  } finally {
    await probe.dispose();
  }
});

function job(outDir: string, extra: Partial<MineJob> = {}): MineJob {
  const m = smallModel();
  const data = prepareMiningData({ spec: 'digits', split: 'train', judgeSplit: 'test', judgeFraction: 0.2, samples: 600, judgeSamples: 200, inSampleSamples: 150, seed: 0, evalBatch: 256 });
  return {
    model: m, objective: namedObjective('vvv-basin'), objectiveIdentity: {}, constraint: { norm: 'filter', biasBn: 'zero' },
    mining: data.mining, heldOut: data.heldOut, inSample: data.inSample, seeds: [7, 8],
    config: { steps: 24, lr: 0.05, schedule: 'cosine', checkpointEvery: 8, adam: DEFAULT_ADAM },
    batchSize: 64, evalBatchSize: 256, judgeRange: { from: -4, to: 4, count: 51 }, outDir, threads: 1, info: {}, ...extra,
  };
}

test('a mining run: per-seed files, verdict on held-out data, best direction for mined:PATH, resume without recomputation', async () => {
  const out = mkdtempSync(join(tmpdir(), 'terrain-mine-job-'));
  const j = job(out);
  assert.notEqual(j.mining.selection.hash, j.heldOut.selection.hash);
  const { result, resumed } = await runMining(j);
  assert.equal(resumed, 0);
  assert.deepEqual(result.seeds.map((s) => s.seed), [7, 8]);
  assert.equal(result.successes, result.seeds.filter((s) => s.type === 'vvv-basin').length);
  assert.equal(result.successRate, result.successes / 2);
  for (const s of result.seeds) {
    const dir = join(out, `seed-${s.seed}`);
    for (const f of ['state.safetensors', 'history.jsonl', 'direction.safetensors', 'heldout/result.json', 'insample/result.json']) assert.ok(existsSync(join(dir, f)), f);
    const curve = JSON.parse(readFileSync(join(dir, 'heldout', 'result.json'), 'utf8')) as { lambdas: number[]; loss: number[]; type: string };
    assert.equal(curve.lambdas.length, 51);
    assert.deepEqual(result.lambdas, curve.lambdas);
    assert.deepEqual(s.heldOutLoss, curve.loss, 'the final held-out curve is in the summary');
    assert.equal(s.inSampleLoss!.length, 51);
    assert.deepEqual(s.objectiveHistory!.map((h) => h.step), [8, 16, 24], 'one mean objective per checkpoint interval');
    assert.equal(curve.type, s.type, 'the verdict is the held-out curve’s type');
    const run = JSON.parse(readFileSync(join(dir, 'heldout', 'run.json'), 'utf8')) as { identity: { data: { hash: string } } };
    assert.equal(run.identity.data.hash, j.heldOut.selection.hash, 'judged on the held-out samples');
    const history = readFileSync(join(dir, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { step: number });
    assert.deepEqual(history.map((e) => e.step), Array.from({ length: 24 }, (_, i) => i + 1));
  }
  // the saved direction has θ's filter norms and loads through mined:DIR
  const d = loadMinedDirection(out, j.model.theta.layout);
  for (const name of ['layers.0.weight', 'fc.weight']) {
    const want = filterNorms(j.model.theta, name), got = filterNorms(d, name);
    want.forEach((w, f) => assert.ok(Math.abs(got[f]! - w) <= 1e-5 * w, `${name}[${f}]`));
  }
  assert.throws(() => loadMinedDirection(join(out, 'nope'), j.model.theta.layout), /no such file or directory/);
  const again = await runMining(job(out));
  assert.equal(again.resumed, 2);
  assert.deepEqual(again.result, result);
  await assert.rejects(runMining(job(out, { seeds: [7] })), /'seeds' differs from the existing run/);
});

test('an interrupted run resumes from its checkpoint and ends with the same directions as an uninterrupted one', async () => {
  const straight = mkdtempSync(join(tmpdir(), 'terrain-mine-straight-'));
  const a = await runMining(job(straight, { seeds: [3], inSample: undefined }));
  const broken = mkdtempSync(join(tmpdir(), 'terrain-mine-broken-'));
  const ac = new AbortController();
  await assert.rejects(runMining(job(broken, { seeds: [3], inSample: undefined, signal: ac.signal, onStep: (_, e) => { if (e.step === 13) ac.abort(); } })), /interrupted/);
  const b = await runMining(job(broken, { seeds: [3], inSample: undefined }));
  const vec = (dir: string): number[] => [...loadMinedDirection(join(dir, 'seed-3', 'direction.safetensors'), smallModel().theta.layout).data];
  assert.deepEqual(vec(broken), vec(straight));
  assert.equal(b.result.seeds[0]!.type, a.result.seeds[0]!.type);
  assert.equal(b.result.seeds[0]!.heldOutObjective, a.result.seeds[0]!.heldOutObjective);
});

test('--params: the mined direction is exactly 0 outside the subset, normalised inside it, recorded in run.json, and reproducible', async () => {
  const layout = smallModel().theta.layout;
  const sel = selectParams(layout, '^fc\\.');
  const params = { pattern: sel.pattern, tensors: sel.names };
  const short = (out: string): MineJob => job(out, {
    seeds: [5], inSample: undefined, constraint: { norm: 'filter', biasBn: 'zero', params },
    config: { steps: 8, lr: 0.05, schedule: 'cosine', checkpointEvery: 4, adam: DEFAULT_ADAM },
  });
  const a = mkdtempSync(join(tmpdir(), 'terrain-mine-params-a-')), b = mkdtempSync(join(tmpdir(), 'terrain-mine-params-b-'));
  await runMining(short(a));
  await runMining(short(b));
  const file = (dir: string): Buffer => readFileSync(join(dir, 'seed-5', 'direction.safetensors'));
  assert.ok(file(a).equals(file(b)), 'the same seed mines a bit-identical direction');
  const d = loadMinedDirection(a, layout);
  layout.slots.forEach((s, k) => {
    const part = d.data.subarray(s.offset, s.offset + s.size);
    if (sel.mask[k] && s.filters > 0) assert.ok(part.some((x) => x !== 0), `${s.name} moves`);
    else assert.ok(part.every((x) => x === 0), `${s.name} stays exactly 0`);
  });
  const theta = smallModel().theta;
  const want = filterNorms(theta, 'fc.weight'), got = filterNorms(d, 'fc.weight');
  want.forEach((w, f) => assert.ok(Math.abs(got[f]! - w) <= 1e-5 * w, `fc.weight[${f}]: ${got[f]} vs ${w}`));
  const run = JSON.parse(readFileSync(join(a, 'run.json'), 'utf8')) as { identity: { constraint: { params?: unknown } } };
  assert.deepEqual(run.identity.constraint.params, { pattern: '^fc\\.', tensors: ['fc.weight', 'fc.bias'] });
  // another subset is another run: the directory refuses it rather than mixing the two
  await assert.rejects(runMining(job(a, { seeds: [5], inSample: undefined, config: short(a).config })), /'constraint.params' differs from the existing run/);
});
