import { test } from 'node:test';
import assert from 'node:assert/strict';
import { messageWith, type OptionMention } from '../../ir/errors.js';
import { MiningSubsetError, NormConstraint, type ConstraintOptions } from './constraint.js';
import { normalizeInSubset, selectParams } from '../directions/param-subset.js';
import { gaussianNoise } from '../directions/gaussian.js';
import { normalizeDirection } from '../directions/normalize.js';
import { ParamLayout, filterNorms, tensorNorms, type ParamVector } from '../params.js';
import { createRng, normalArray } from '../rng.js';

// A small layout with every kind of slot: conv kernel, bias, dense weight, a 1-D BN scale, one zero filter.
const layout = new ParamLayout([
  { name: 'conv.weight', shape: [4, 2, 3, 3] },
  { name: 'conv.bias', shape: [4] },
  { name: 'bn.weight', shape: [4] },
  { name: 'fc.weight', shape: [3, 16] },
  { name: 'fc.bias', shape: [3] },
]);

function theta(): ParamVector {
  const t = { layout, data: normalArray(createRng(5), layout.size) };
  const fc = layout.slot('fc.weight');
  t.data.fill(0, fc.offset + 16, fc.offset + 32); // filter 1 of fc.weight is zero: it must stay frozen
  return t;
}

const MODES: ConstraintOptions[] = (['filter', 'layer', 'norm'] as const).flatMap((norm) => (['zero', 'norm'] as const).map((biasBn) => ({ norm, biasBn })));

test('a projected Gaussian start is exactly normalizeDirection of the same noise, for every mode', () => {
  const th = theta();
  for (const mode of MODES) {
    const c = NormConstraint.of(th, mode);
    const raw = gaussianNoise(layout, 3);
    const d = c.toDirection(c.fromDirection(raw));
    const ref = normalizeDirection(raw, th, { ...mode, scale: 1 });
    let err = 0, size = 0;
    for (let i = 0; i < d.data.length; i++) { err = Math.max(err, Math.abs(d.data[i]! - ref.data[i]!)); size = Math.max(size, Math.abs(ref.data[i]!)); }
    assert.ok(err <= 1e-5 * size, `${JSON.stringify(mode)}: max |Δ| ${err} vs max |d| ${size}`);
  }
});

test('after a projection every filter has the norm of θ’s filter; zero filters and (bias-bn=zero) 1-D tensors stay 0', () => {
  const th = theta();
  const c = NormConstraint.of(th, { norm: 'filter', biasBn: 'zero' });
  const u = normalArray(createRng(9), layout.size, 7);
  c.projectInPlace(u);
  const d = c.toDirection(u);
  for (const name of ['conv.weight', 'fc.weight']) {
    const want = filterNorms(th, name), got = filterNorms(d, name);
    want.forEach((w, f) => assert.ok(Math.abs(got[f]! - w) <= 1e-5 * Math.max(1, w), `${name}[${f}]: ${got[f]} vs ${w}`));
  }
  assert.equal(filterNorms(d, 'fc.weight')[1], 0);
  const norms = tensorNorms(d);
  layout.slots.forEach((s, k) => { if (s.filters === 0) assert.equal(norms[k], 0, s.name); });
  // bias-bn=norm: each 1-D tensor at θ's norm
  const cb = NormConstraint.of(th, { norm: 'filter', biasBn: 'norm' });
  const db = cb.toDirection(cb.fromDirection(gaussianNoise(layout, 1)));
  const tn = tensorNorms(th), dn = tensorNorms(db);
  layout.slots.forEach((s, k) => { if (s.filters === 0) assert.ok(Math.abs(dn[k]! - tn[k]!) <= 1e-5 * tn[k]!, s.name); });
});

test('the tangent gradient is the derivative of J(d(u/‖u‖)) (float64 finite differences) and is orthogonal to u per group', () => {
  const th = theta();
  for (const mode of MODES) {
    const c = NormConstraint.of(th, mode);
    const u = c.fromDirection(gaussianNoise(layout, 4));
    // A smooth nonlinear J(d) = Σ a_i d_i + ½ Σ b_i d_i², its Euclidean gradient a + b ⊙ d.
    const rng = createRng(11);
    const a = Float64Array.from({ length: layout.size }, () => rng.normal());
    const b = Float64Array.from({ length: layout.size }, () => rng.normal());
    const J = (uu: Float64Array): number => {
      const f32 = Float32Array.from(uu);
      const d = c.toDirection(f32).data;
      let s = 0;
      for (let i = 0; i < d.length; i++) s += a[i]! * d[i]! + 0.5 * b[i]! * d[i]! * d[i]!;
      return s;
    };
    const d0 = c.toDirection(u).data;
    const gradD = Float64Array.from(d0, (di, i) => a[i]! + b[i]! * di);
    const g = c.tangentGradient(u, gradD);
    // Move along the geodesic-free retraction u(t) = project(u + t·v) with v tangent: dJ/dt at 0 = g·v.
    const v = c.tangentGradient(u, Float64Array.from({ length: layout.size }, () => rng.normal()));
    const h = 1e-3;
    const at = (t: number): number => {
      const w = Float32Array.from(u, (ui, i) => ui + t * v[i]!);
      c.projectInPlace(w);
      return J(Float64Array.from(w));
    };
    const fd = (at(h) - at(-h)) / (2 * h);
    let gv = 0;
    for (let i = 0; i < g.length; i++) gv += g[i]! * v[i]!;
    assert.ok(Math.abs(fd - gv) <= 2e-3 * Math.max(1, Math.abs(gv)), `${JSON.stringify(mode)}: finite difference ${fd}, tangent gradient ${gv}`);
    // radial part removed: g ⟂ u overall (sum over groups of per-group zero dots)
    let gu = 0, gg = 0, uu = 0;
    for (let i = 0; i < g.length; i++) { gu += g[i]! * u[i]!; gg += g[i]! * g[i]!; uu += u[i]! * u[i]!; }
    assert.ok(Math.abs(gu) <= 1e-4 * Math.sqrt(gg * uu), `${JSON.stringify(mode)}: g·u = ${gu}`);
  }
});

test('modes without a radius and all-zero θ are refused with the reason', () => {
  const th = theta();
  assert.throws(() => NormConstraint.of(th, { norm: 'none' as never, biasBn: 'zero' }), /needs a radius/);
  assert.throws(() => NormConstraint.of(th, { norm: 'filter', biasBn: 'keep' as never }), /bias-bn 'keep'/);
  assert.throws(() => NormConstraint.of({ layout, data: new Float32Array(layout.size) }, { norm: 'layer', biasBn: 'zero' }), /every constrained group of θ is zero/);
  const c = NormConstraint.of(th, { norm: 'layer', biasBn: 'zero' });
  assert.throws(() => c.projectInPlace(new Float32Array(3)), /has 3 entries, the model has/);
});

test('with --params the start is normalizeInSubset of the same noise, every step stays exactly 0 outside the subset', () => {
  const th = theta();
  for (const pattern of ['^fc\\.', 'conv\\.weight|bias']) {
    const sel = selectParams(layout, pattern);
    for (const mode of MODES) {
      const c = NormConstraint.of(th, { ...mode, params: { pattern, tensors: sel.names } });
      const raw = gaussianNoise(layout, 3);
      const u = c.fromDirection(raw);
      const d = c.toDirection(u);
      const ref = normalizeInSubset(raw, th, { ...mode, scale: 1 }, sel);
      let err = 0, size = 0;
      for (let i = 0; i < d.data.length; i++) { err = Math.max(err, Math.abs(d.data[i]! - ref.data[i]!)); size = Math.max(size, Math.abs(ref.data[i]!)); }
      assert.ok(size > 0 && err <= 1e-5 * size, `${pattern} ${JSON.stringify(mode)}: max |Δ| ${err} vs max |d| ${size}`);
      // a gradient that is nonzero everywhere moves nothing outside the subset, and the retraction keeps it so
      const g = c.tangentGradient(u, normalArray(createRng(8), layout.size));
      const stepped = Float32Array.from(u, (ui, i) => ui - 0.1 * g[i]!);
      c.projectInPlace(stepped);
      const after = c.toDirection(stepped);
      layout.slots.forEach((s, k) => {
        if (sel.mask[k]) return;
        for (const v of [g, d.data, after.data]) assert.ok(v.subarray(s.offset, s.offset + s.size).every((x) => x === 0), `${pattern} ${JSON.stringify(mode)}: ${s.name} moved`);
      });
    }
  }
});

test('a subset with nothing to move, or naming tensors the model lacks, is bad input', () => {
  const th = theta();
  const biases = { pattern: 'bias', tensors: ['conv.bias', 'fc.bias'] };
  // The message names options (core's wording); the CLI prints each mention as its flag (cli/errors.ts asFlag).
  const asFlag = (m: OptionMention): string => (m.value === undefined ? `--${m.option}` : `--${m.option} ${m.value}`);
  assert.throws(() => NormConstraint.of(th, { norm: 'filter', biasBn: 'zero', params: biases }), (e: Error) => e instanceof MiningSubsetError &&
    /^params 'bias': .*conv\.bias, fc\.bias.*which bias-bn zero leaves at 0 \(use bias-bn norm\)$/.test(e.message) &&
    messageWith(e, asFlag) === "--params 'bias': the tensors it selects (conv.bias, fc.bias) leave nothing to mine: θ is zero on them, or they are 1-D (biases, BN), which --bias-bn zero leaves at 0 (use --bias-bn norm)");
  assert.ok(NormConstraint.of(th, { norm: 'filter', biasBn: 'norm', params: biases }).freeCount === 7);
  assert.throws(() => NormConstraint.of(th, { norm: 'layer', biasBn: 'zero', params: { pattern: 'x', tensors: ['layer9.weight'] } }), (e: Error) => e instanceof MiningSubsetError &&
    messageWith(e, asFlag) === "--params 'x': tensor(s) layer9.weight are not parameters of this model");
  assert.throws(() => NormConstraint.of(th, { norm: 'layer', biasBn: 'zero', params: { pattern: 'x', tensors: [] } }), (e: Error) => e instanceof MiningSubsetError &&
    e.message === "params 'x' selects no tensor" && messageWith(e, asFlag) === "--params 'x' selects no tensor");
});
