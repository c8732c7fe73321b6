import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyResult } from './result.js';
import { classifyCurve } from './classify.js';
import { linspace } from '../../testing/analytic-curves.js';

const lambdas = linspace(-1, 1, 21);
const curve = {
  kind: 'curve', lambdas, loss: lambdas.map((x) => 0.3 + x * x), accuracy: lambdas.map(() => 0.9),
  lossStderr: lambdas.map(() => 0.01), direction: 'gaussian:filter', type: 'stale', features: { old: true },
};

test('classifyResult fills type and features and keeps every other field', () => {
  const out = classifyResult(curve);
  assert.equal(out.type, 'v-basin');
  assert.deepEqual(out.features, classifyCurve(curve.lambdas, curve.loss).features);
  assert.equal(out.direction, 'gaussian:filter');
  assert.deepEqual(out.accuracy, curve.accuracy);
  assert.equal(curve.type, 'stale', 'the input object is not modified');
  assert.deepEqual(classifyResult(JSON.stringify(curve)), JSON.parse(JSON.stringify(out)), 'JSON text in, same answer');
});

test('classifyResult passes options through', () => {
  assert.equal(classifyResult(curve, { origin: 0.6 }).type, 'v-side');
});

test('classifyResult rejects what is not a curve result, naming the field', () => {
  assert.throws(() => classifyResult({ kind: 'surface', x: [], y: [], loss: [] }), /field "kind" is "surface", expected "curve"/);
  assert.throws(() => classifyResult({ kind: 'curve', lambdas: [0, 1, 2] }), /field "loss" is null|field "loss" is undefined/);
  assert.throws(() => classifyResult({ ...curve, loss: [1, null, 2] }), /loss\[1\] is null.*diverged/);
  assert.throws(() => classifyResult('{"kind":'), /not valid JSON/);
  assert.throws(() => classifyResult([1, 2]), /expected a curve result object, got an array of 2/);
});
