import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParamLayout, filterNorms, rangeNorm, tensorNorms, view, type ParamVector } from '../params.js';
import { gaussianNoise } from './gaussian.js';
import { normalizeDirection } from './normalize.js';
import type { BiasBnMode, NormMode } from './spec.js';
import { testLayout, testTheta } from '../../testing/directions-fixture.js';

const theta = testTheta();
const noise = gaussianNoise(testLayout, 11);
const weights = testLayout.slots.filter((s) => s.filters > 0);
const oneDim = testLayout.slots.filter((s) => s.filters === 0);
const run = (norm: NormMode, biasBn: BiasBnMode = 'zero', scale = 1, raw = noise): ParamVector => normalizeDirection(raw, theta, { norm, biasBn, scale });

function close(actual: number, expected: number, rel: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected), `${what}: ${actual} vs ${expected}`);
}
/** d restricted to [a, b) is a positive multiple of ε there. */
function parallel(d: ParamVector, a: number, b: number, what: string): void {
  const dn = rangeNorm(d.data, a, b), en = rangeNorm(noise.data, a, b);
  let s = 0;
  for (let i = a; i < b; i++) s += d.data[i]! * noise.data[i]!;
  close(s, dn * en, 1e-6, `${what} is parallel to the noise`);
}

test('filter: every output filter has the norm of θ’s filter and the direction of ε’s', () => {
  const d = run('filter');
  for (const s of weights) {
    const want = filterNorms(theta, s.name), got = filterNorms(d, s.name);
    const per = s.size / s.filters;
    for (let f = 0; f < s.filters; f++) {
      close(got[f]!, want[f]!, 1e-6, `${s.name} filter ${f}`);
      if (want[f]! > 0) parallel(d, s.offset + f * per, s.offset + (f + 1) * per, `${s.name} filter ${f}`);
    }
  }
  // the dead filter of conv1 stays exactly zero (no NaN, no epsilon leak)
  assert.ok(view(d, 'conv1.weight').subarray(54, 81).every((v) => v === 0));
  assert.ok(d.data.every(Number.isFinite));
});

test('layer: every weight tensor has the norm of θ’s tensor', () => {
  const d = run('layer'), want = tensorNorms(theta), got = tensorNorms(d);
  for (const s of weights) {
    const t = testLayout.slots.indexOf(s);
    close(got[t]!, want[t]!, 1e-6, s.name);
    parallel(d, s.offset, s.offset + s.size, s.name);
  }
  // per-filter norms are NOT matched by layer normalisation (conv1 has a dead filter that now moves)
  assert.ok(rangeNorm(d.data, 54, 81) > 0);
});

test('norm: one factor for all weights, ‖d‖ = ‖θ‖ over the weight tensors', () => {
  const d = run('norm');
  const sq = (v: ParamVector) => weights.reduce((a, s) => a + rangeNorm(v.data, s.offset, s.offset + s.size) ** 2, 0);
  close(Math.sqrt(sq(d)), Math.sqrt(sq(theta)), 1e-6, 'weight norm');
  const factor = Math.sqrt(sq(theta) / sq(noise));
  for (const s of weights) for (let i = s.offset; i < s.offset + s.size; i++) close(d.data[i]!, noise.data[i]! * factor, 1e-6, `${s.name}[${i}]`);
});

test('none: weights are the raw noise', () => {
  const d = run('none', 'keep');
  assert.deepEqual(d.data, noise.data);
});

test('bias-bn: zero, keep (raw noise) or per-tensor norm; never θ itself', () => {
  for (const norm of ['filter', 'layer', 'norm', 'none'] as const) {
    const zero = run(norm, 'zero'), keep = run(norm, 'keep'), normed = run(norm, 'norm');
    for (const s of oneDim) {
      assert.ok(view(zero, s.name).every((v) => v === 0), `${norm}/zero ${s.name}`);
      assert.deepEqual(view(keep, s.name), view(noise, s.name), `${norm}/keep ${s.name}`);
      const t = testLayout.slots.indexOf(s);
      close(tensorNorms(normed)[t]!, tensorNorms(theta)[t]!, 1e-6, `${norm}/norm ${s.name}`);
      if (tensorNorms(theta)[t]! > 0) parallel(normed, s.offset, s.offset + s.size, `${norm}/norm ${s.name}`);
    }
    // the bias policy does not change the weights
    for (const s of weights) assert.deepEqual(view(zero, s.name), view(keep, s.name));
  }
  // fc.bias is zero in θ: its normalised direction is zero
  assert.ok(view(run('filter', 'norm'), 'fc.bias').every((v) => v === 0));
  // the broken reference behaviour copies θ into the direction: ours is the noise, rescaled
  const bn = view(run('filter', 'norm'), 'bn1.weight'), bnTheta = view(theta, 'bn1.weight');
  assert.ok(bn.some((v, i) => Math.abs(v - bnTheta[i]!) > 1e-3));
});

test('scale multiplies at the end, negative scales flip', () => {
  for (const norm of ['filter', 'layer', 'norm', 'none'] as const) {
    const one = run(norm, 'norm'), s = run(norm, 'norm', -0.25);
    for (let i = 0; i < one.data.length; i++) close(s.data[i]!, -0.25 * one.data[i]!, 1e-6, `${norm}[${i}]`);
  }
});

test('a zero noise filter gives a zero direction there, not NaN', () => {
  const raw = { layout: testLayout, data: noise.data.slice() };
  raw.data.fill(0, 0, 27); // filter 0 of conv1
  const d = run('filter', 'norm', 1, raw);
  assert.ok(d.data.every(Number.isFinite));
  assert.ok(d.data.subarray(0, 27).every((v) => v === 0));
});

test('layouts must match', () => {
  const other = gaussianNoise(new ParamLayout([{ name: 'x', shape: [3] }]), 0);
  assert.throws(() => normalizeDirection(other, theta, { norm: 'filter', biasBn: 'zero', scale: 1 }), /direction has 3 entries, the model has/);
});

test('loss-landscape weight: d = ε ⊙ θ entry by entry on the weight tensors', () => {
  const d = run('weight', 'zero', 2);
  for (const s of weights) for (let i = s.offset; i < s.offset + s.size; i++) close(d.data[i]!, 2 * noise.data[i]! * theta.data[i]!, 1e-6, `${s.name}[${i}]`);
  for (const s of oneDim) assert.ok(view(d, s.name).every((v) => v === 0), `${s.name} follows bias-bn=zero`);
});

test('loss-landscape dfilter / dlayer: unit filters / unit tensors along ε, whatever θ', () => {
  const df = run('dfilter'), dl = run('dlayer');
  for (const s of weights) {
    const per = s.size / s.filters;
    for (let f = 0; f < s.filters; f++) {
      close(filterNorms(df, s.name)[f]!, 1, 1e-6, `${s.name} filter ${f}`);
      parallel(df, s.offset + f * per, s.offset + (f + 1) * per, `${s.name} filter ${f}`);
    }
    close(tensorNorms(dl)[testLayout.slots.indexOf(s)]!, 1, 1e-6, s.name);
    parallel(dl, s.offset, s.offset + s.size, s.name);
  }
  // θ's dead filter does not matter: dfilter does not look at θ
  close(rangeNorm(df.data, 54, 81), 1, 1e-6, 'dead filter of conv1');
});

test('bias-bn=copy: 1-D tensors are θ itself (times scale), as loss-landscape without --xignore biasbn', () => {
  for (const norm of ['filter', 'weight', 'dlayer'] as const) {
    const d = run(norm, 'copy', -0.5);
    for (const s of oneDim) view(d, s.name).forEach((v, i) => assert.equal(v, Math.fround(-0.5 * view(theta, s.name)[i]!), `${norm} ${s.name}[${i}]`));
  }
});
