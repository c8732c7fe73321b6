import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeDataset, type DatasetFields } from '../data/dataset.js';
import { chooseLoss, LossError } from './choice.js';

const base = (over: Partial<DatasetFields> = {}) => makeDataset({ name: 'd', split: 'all', x: new Float32Array(4), y: Int32Array.from([0, 1, 1, 0]), shape: [1], classes: 2, ...over });
const targets = (shape: number[], values: number[]) => base({ y: new Int32Array(4), classes: 1, targets: Float32Array.from(values), targetShape: shape });
const refused = (f: () => unknown, pattern: RegExp) => assert.throws(f, (e: unknown) => e instanceof LossError && pattern.test(e.message));

test('cross-entropy and nll need ≥ 2 output columns and class labels below them', () => {
  assert.deepEqual(chooseLoss('cross-entropy', [3], base()).options, { kind: 'softmax-ce' });
  assert.deepEqual(chooseLoss('nll', [2], base()).options, { kind: 'nll' });
  refused(() => chooseLoss('cross-entropy', [1], base()), /at least 2 classes.*one column.*use loss bce, for regression loss mse$/);
  refused(() => chooseLoss('cross-entropy', [2], base({ y: Int32Array.from([0, 2, 1, 0]), classes: 3 })), /labels up to 2.*below the number of outputs/);
  refused(() => chooseLoss('cross-entropy', [4, 5], base()), /token-cross-entropy/);
  refused(() => chooseLoss('cross-entropy', [2], targets([], [0.5, 1, 2, 3])), /integer class labels.*float targets/);
  refused(() => chooseLoss('hinge', [2], base()), /not one of cross-entropy, mse/);
});

test('mse: float targets when their size fits the output, one-hot class labels otherwise', () => {
  assert.deepEqual(chooseLoss('mse', [1], targets([], [0.5, 1, 2, 3])), {
    name: 'mse', options: { kind: 'mse-target', targetShape: [] }, feeds: 'targets', noAccuracy: 'mse against float targets (regression) has no accuracy',
  });
  assert.equal(chooseLoss('mse', [2], base()).options.kind, 'mse');
  refused(() => chooseLoss('mse', [3], targets([], [0.5, 1, 2, 3])), /targets of shape \[\] per sample \(1 values\).*\(3 values per sample\)/);
});

test('bce: one logit with 0/1 labels, or float targets of the output size (multi-label)', () => {
  assert.deepEqual(chooseLoss('bce', [1], base()).options, { kind: 'bce', targets: 'labels' });
  assert.deepEqual(chooseLoss('bce', [2], targets([2], [0, 1, 1, 0, 1, 1, 0, 0])).options, { kind: 'bce', targets: 'float', targetShape: [2] });
  refused(() => chooseLoss('bce', [3], base()), /one logit per sample/);
  refused(() => chooseLoss('bce', [1], base({ y: Int32Array.from([0, 2, 1, 0]), classes: 3 })), /0\/1 labels/);
});

test('token-cross-entropy: output [N, T, V] and label sequences [N, T] with ids below V; model: output [N]', () => {
  const seq = base({ y: Int32Array.from([0, 4, -100, 1, 2, 3, 1, 1]), labelShape: [2], classes: 5 });
  assert.equal(chooseLoss('token-cross-entropy', [2, 5], seq).options.kind, 'token-ce');
  refused(() => chooseLoss('token-cross-entropy', [3, 5], seq), /2 targets per sample/);
  refused(() => chooseLoss('token-cross-entropy', [2, 4], seq), /ids up to 4.*vocabulary/);
  refused(() => chooseLoss('token-cross-entropy', [2, 5], base()), /integer targets \[N, T\]/);
  assert.equal(chooseLoss('model', [], base()).feeds, 'none');
  refused(() => chooseLoss('model', [3], base()), /per-sample loss \[N\]/);
});
