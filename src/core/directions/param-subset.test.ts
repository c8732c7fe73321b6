import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError, messageWith } from '../../ir/errors.js';
import { asFlag } from '../../cli/errors.js';
import { filterNorms, norm, rangeNorm, view, type ParamVector } from '../params.js';
import { gaussianNoise } from './gaussian.js';
import { groupByPrefix, patternFor, ParamsPatternError, restrictToParams, selectParams } from './param-subset.js';
import { resolveDirection, type DirectionContext } from './resolve.js';
import { testLayout, testTheta } from '../../testing/directions-fixture.js';

const theta = testTheta();
const ctx = (pattern?: string): DirectionContext => ({
  theta,
  loadParams: async () => { throw new Error('no checkpoints here'); },
  ...(pattern ? { params: selectParams(testLayout, pattern) } : {}),
});

function outside(v: ParamVector, names: readonly string[]): number[] {
  return testLayout.slots.filter((s) => !names.includes(s.name)).flatMap((s) => [...view(v, s.name)]);
}

test('selectParams: matching tensors in layout order; a pattern matching none names every tensor', () => {
  const sel = selectParams(testLayout, '^(fc|conv1)\\.weight$');
  assert.deepEqual(sel.names, ['conv1.weight', 'fc.weight']);
  assert.equal(sel.size, 4 * 27 + 5 * 16);
  assert.throws(() => selectParams(testLayout, 'layer9'), (e: Error) => {
    assert.ok(e instanceof ParamsPatternError && e instanceof InputError, 'bad input: exit 2');
    assert.match(e.message, /^params 'layer9' matches no parameter tensor; the model's 8 tensors are: conv1\.weight, conv1\.bias, bn1\.weight, bn1\.bias, fc\.weight, fc\.bias, head\.weight, scale\.weight$/);
    assert.match(messageWith(e, asFlag), /^--params 'layer9' matches no parameter tensor; /, 'the CLI prints the option as its flag');
    return true;
  });
  assert.throws(() => selectParams(testLayout, '('), /^ParamsPatternError: params '\(' is not a valid regular expression/);
});

test('a filter-normalised direction restricted to a subset: exactly 0 outside, filter norms of θ inside', async () => {
  const r = await resolveDirection('gaussian:seed=3', ctx('^conv1\\.'));
  assert.ok(outside(r.vector, ['conv1.weight', 'conv1.bias']).every((x) => x === 0));
  const a = filterNorms(r.vector, 'conv1.weight'), b = filterNorms(theta, 'conv1.weight');
  a.forEach((v, f) => assert.ok(Math.abs(v - b[f]!) <= 1e-6 * Math.max(b[f]!, 1e-30), `filter ${f}: ${v} vs ${b[f]}`));
  assert.ok(view(r.vector, 'conv1.bias').every((x) => x === 0), 'bias-bn=zero inside the subset too');
  // Inside the subset the vector is the full direction's entries (filter norms are per filter, so unchanged).
  const full = await resolveDirection('gaussian:seed=3', ctx());
  assert.deepEqual(view(r.vector, 'conv1.weight'), view(full.vector, 'conv1.weight'));
  assert.equal(r.spec, 'gaussian:norm=filter:seed=3:bias-bn=zero:scale=1 [params /^conv1\\./]');
  assert.deepEqual(r.info.params, { pattern: '^conv1\\.', tensors: ['conv1.weight', 'conv1.bias'], size: 112 });
});

test("norm=norm inside a subset: ‖ε_S‖ = ‖θ_S‖ over the subset's rank-≥2 tensors, not ‖θ‖", async () => {
  const r = await resolveDirection('gaussian:seed=5:norm=norm', ctx('^(fc|head)\\.weight$'));
  const s = (v: ParamVector) => Math.hypot(...['fc.weight', 'head.weight'].map((n) => { const sl = testLayout.slot(n); return rangeNorm(v.data, sl.offset, sl.offset + sl.size); }));
  assert.ok(Math.abs(norm(r.vector) - s(theta)) <= 1e-6 * s(theta), `${norm(r.vector)} vs ‖θ_S‖ ${s(theta)}`);
  assert.ok(norm(r.vector) < 0.9 * norm(theta), 'the global norm is not θ\'s');
  assert.ok(outside(r.vector, ['fc.weight', 'head.weight']).every((x) => x === 0));
  // layer and keep/copy policies: zero outside as well.
  for (const spec of ['gaussian:norm=layer:bias-bn=keep', 'gaussian:norm=none:bias-bn=copy', 'gaussian:norm=weight:bias-bn=norm']) {
    const d = await resolveDirection(spec, ctx('^bn1\\.'));
    assert.ok(outside(d.vector, ['bn1.weight', 'bn1.bias']).every((x) => x === 0), spec);
    assert.ok(view(d.vector, 'bn1.weight').some((x) => x !== 0), `${spec}: the subset moves`);
  }
});

test('restrictToParams zeroes the rest and copies the subset bit for bit; states directions are refused', async () => {
  const g = gaussianNoise(testLayout, 9);
  const sel = selectParams(testLayout, 'head');
  const r = restrictToParams(g, sel);
  assert.deepEqual(view(r, 'head.weight'), view(g, 'head.weight'));
  assert.ok(outside(r, ['head.weight']).every((x) => x === 0));
  await assert.rejects(resolveDirection('gaussian:type=states', { ...ctx('head'), buffers: new Map() }), /^DirectionError: direction '.*': params restricts weights only; drop ':type=states' or params$/);
});

test('groupByPrefix: blocks by the first parts of the name, never narrower than a layer', () => {
  assert.deepEqual(groupByPrefix(testLayout, 1).map((g) => g.block), ['conv1', 'bn1', 'fc', 'head', 'scale']);
  const deep = groupByPrefix(new (testLayout.constructor as typeof import('../params.js').ParamLayout)([
    { name: 'layer1.0.conv1.weight', shape: [2, 2] }, { name: 'layer1.0.bn1.weight', shape: [2] }, { name: 'layer1.1.conv1.weight', shape: [2, 2] }, { name: 'fc.bias', shape: [2] },
  ]), 2);
  assert.deepEqual(deep, [{ block: 'layer1.0', names: ['layer1.0.conv1.weight', 'layer1.0.bn1.weight'] }, { block: 'layer1.1', names: ['layer1.1.conv1.weight'] }, { block: 'fc', names: ['fc.bias'] }]);
  const p = patternFor(['layer1.0.conv1.weight', 'fc.bias']);
  assert.ok(new RegExp(p).test('fc.bias') && !new RegExp(p).test('fcXbias') && !new RegExp(p).test('layer1.0.conv1.weight2'));
});
