import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensors, writeSafetensors } from '../../ir/safetensors.js';
import { ParamLayout, combine, dot, filterNorms, fromTensors, norm, toTensors, type ParamVector } from '../params.js';
import { createRng } from '../rng.js';
import { gaussianNoise } from './gaussian.js';
import { saveDirection } from './io.js';
import { resolveDirection, resolveDirections, type DirectionContext } from './resolve.js';
import { testLayout, testTheta } from '../../testing/directions-fixture.js';

const theta = testTheta();
const rng = createRng(21);
const randomVector = (s = 1): ParamVector => ({ layout: testLayout, data: Float32Array.from({ length: testLayout.size }, () => s * rng.normal()) });
const plus = (a: ParamVector, terms: [number, ParamVector][]): ParamVector => combine(a, terms);

function context(checkpoints: Map<string, ParamVector>, extra: Partial<DirectionContext> = {}): DirectionContext & { loads: string[] } {
  const loads: string[] = [];
  return {
    theta,
    loads,
    loadParams: async (path) => {
      loads.push(path);
      const p = checkpoints.get(path);
      if (!p) throw new Error(`no checkpoint ${path}`);
      return p;
    },
    ...extra,
  };
}

function assertFilterNormsLikeTheta(d: ParamVector): void {
  for (const s of testLayout.slots.filter((s) => s.filters > 0)) {
    const a = filterNorms(d, s.name), b = filterNorms(theta, s.name);
    a.forEach((v, f) => assert.ok(Math.abs(v - b[f]!) <= 1e-6 * b[f]!, `${s.name}[${f}] ${v} vs ${b[f]}`));
  }
}

test('gaussian: canonical spec, filter-normalised true noise, info', async () => {
  const r = await resolveDirection('gaussian:seed=4', context(new Map()));
  assert.equal(r.spec, 'gaussian:norm=filter:seed=4:bias-bn=zero:scale=1');
  assertFilterNormsLikeTheta(r.vector);
  const raw = gaussianNoise(testLayout, 4);
  assert.equal(r.info.kind, 'gaussian');
  assert.equal(r.info.seed, 4);
  assert.equal(r.info.rawNorm, norm(raw));
  assert.equal(r.info.norm, norm(r.vector));
  assert.equal(r.info.thetaNorm, norm(theta));
  const again = await resolveDirection(r.spec, context(new Map()));
  assert.deepEqual(again.vector.data, r.vector.data);
});

test('gradient: −∇L, normalised; needs a gradient provider', async () => {
  const g = randomVector();
  const r = await resolveDirection('gradient', context(new Map(), { gradient: async () => g }));
  assert.equal(r.spec, 'gradient:norm=filter:bias-bn=zero:scale=1');
  assertFilterNormsLikeTheta(r.vector);
  assert.ok(dot(r.vector, g) < 0, 'a descent direction');
  await assert.rejects(resolveDirection('gradient', context(new Map())), /'gradient:norm=filter:bias-bn=zero:scale=1' needs the loss gradient at θ/);
});

test('to:CKPT is CKPT − θ (MLI from init), so θ + 1·d lands on the checkpoint', async () => {
  const init = randomVector(0.3);
  const r = await resolveDirection('to:run/init.safetensors', context(new Map([['run/init.safetensors', init]])));
  assert.equal(r.spec, 'to:run/init.safetensors:norm=none:bias-bn=keep:scale=1');
  const landed = plus(theta, [[1, r.vector]]);
  landed.data.forEach((v, i) => assert.ok(Math.abs(v - init.data[i]!) <= 1e-6 * (Math.abs(init.data[i]!) + Math.abs(theta.data[i]!)), `entry ${i}`));
  assert.equal(r.info.path, 'run/init.safetensors');
  await assert.rejects(resolveDirection('to:nope', context(new Map())), /no checkpoint nope/);
});

test('file:PATH loads a saved direction; options apply on top', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'terrain-resolve-'));
  try {
    const d = randomVector(), path = join(dir, 'd.safetensors');
    saveDirection(path, d);
    const r = await resolveDirection(`file:${path}:scale=-2`, context(new Map()));
    assert.deepEqual([...r.vector.data], [...d.data].map((v) => Math.fround(-2 * v)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pca:DIR from checkpoint files on disk: plane recovered, PCA computed once for k=1 and k=2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'terrain-pca-'));
  try {
    const a = randomVector(), b = randomVector();
    const steps: [string, number, number][] = [['init', 4, 1], ['epoch-1', 2, 1.5], ['epoch-2', 1, -0.5], ['epoch-10', 0.5, 0.2]];
    for (const [name, x, y] of steps) writeSafetensors(join(dir, `${name}.safetensors`), toTensors(plus(theta, [[x, a], [y, b]])));
    writeSafetensors(join(dir, 'final.safetensors'), toTensors(theta));
    const loads: string[] = [];
    const ctx = {
      ...context(new Map()),
      loadParams: async (path: string) => { loads.push(path); return fromTensors(testLayout, readSafetensors(path).tensors, path); },
    };
    const [u1, u2] = await resolveDirections([`pca:${dir}`, `pca:${dir}:k=2`], ctx);
    assert.equal(loads.length, 5, 'each checkpoint loaded once');
    const info = u1!.info.pca!;
    assert.deepEqual(info.checkpoints, steps.map(([n]) => join(dir, `${n}.safetensors`)));
    assert.equal(info.final, join(dir, 'final.safetensors'));
    assert.equal(info.thetaToFinal, 0);
    assert.ok(Math.abs(info.explainedVarianceRatio[0]! + info.explainedVarianceRatio[1]! - 1) < 1e-6);
    const scale = Math.max(...steps.map(([, x, y]) => Math.hypot(x, y))) * norm(a);
    info.distances.forEach((d) => assert.ok(d < 1e-5 * scale, `distance ${d}`));
    assert.ok(Math.abs(norm(u1!.vector) - 1) < 1e-6 && Math.abs(norm(u2!.vector) - 1) < 1e-6);
    assert.ok(Math.abs(dot(u1!.vector, u2!.vector)) < 1e-6);
    assert.equal(u2!.info.pca!.component, 2);
    assert.ok(info.coordinates[0]![0]! > 0, 'init lies on the positive side of u1');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pca:DIR:k=2 on a straight-line trajectory says there is no second component', async () => {
  const a = randomVector();
  const ckpts = new Map([['r/init.safetensors', plus(theta, [[2, a]])], ['r/epoch-1.safetensors', plus(theta, [[1, a]])], ['r/epoch-2.safetensors', theta]]);
  const ctx = context(ckpts, { listCheckpoints: async () => [...ckpts.keys()] });
  const r = await resolveDirection('pca:r', ctx);
  assert.ok(Math.abs(Math.abs(dot(r.vector, a)) / norm(a) - 1) < 1e-6);
  await assert.rejects(resolveDirection('pca:r:k=2', ctx), /span only 1 dimension\(s\) around r\/epoch-2\.safetensors; there is no principal component 2/);
});

test('eigen:K and mined:PATH come from the caller, or fail saying which command provides them', async () => {
  const v = randomVector();
  const asked: unknown[] = [];
  const ctx = context(new Map(), {
    eigenvector: async (k) => { asked.push(k); return v; },
    mined: async (p) => { asked.push(p); return v; },
  });
  const e = await resolveDirection('eigen:2', ctx);
  assert.deepEqual(e.vector.data, v.data);
  assert.equal(e.info.eigenIndex, 2);
  const m = await resolveDirection('mined:m.safetensors:norm=layer:bias-bn=zero', ctx);
  assert.ok(m.vector.data.every(Number.isFinite));
  assert.deepEqual(asked, [2, 'm.safetensors']);
  await assert.rejects(resolveDirection('eigen:3', context(new Map())), /needs Hessian eigenvectors.*run `terrain hessian` with top 3 and pass its output/);
  await assert.rejects(resolveDirection('mined:x', context(new Map())), /needs a mined direction.*terrain mine/);
  const wrong = { layout: new ParamLayout([{ name: 'w', shape: [2] }]), data: new Float32Array(2) };
  await assert.rejects(resolveDirection('eigen:1', context(new Map(), { eigenvector: async () => wrong })), /eigenvector 1 for 'eigen:1:norm=none:bias-bn=keep:scale=1' has 2 entries/);
});

test('resolveDirections computes the gradient once for several specs', async () => {
  let calls = 0;
  const g = randomVector();
  const ctx = context(new Map(), { gradient: async () => { calls++; return g; } });
  const [x, y] = await resolveDirections(['gradient', 'gradient:norm=layer'], ctx);
  assert.equal(calls, 1);
  assert.notDeepEqual(x!.vector.data, y!.vector.data);
});
