import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { stepInPlace, type OptimizerOptions, type OptimizerState } from './optimizer.js';
import { learningRate } from './schedule.js';
import { createRng } from '../rng.js';
import { crossCheckSkip, PYTHON_DIR, pythonHas, pythonPath } from '../../testing/python.js';

const hasTorch = pythonHas('torch');

function trajectory(opts: OptimizerOptions, params: number[], grads: number[][], lr: number): number[][] {
  const p = Float32Array.from(params);
  const state: OptimizerState = { step: 0 };
  return grads.map((g) => { stepInPlace(opts, state, p, Float32Array.from(g), lr); return [...p]; });
}

const rng = createRng(5);
const params = Array.from({ length: 6 }, () => rng.normal());
const grads = Array.from({ length: 5 }, () => Array.from({ length: 6 }, () => rng.normal()));

const cases: [string, OptimizerOptions][] = [
  ['plain sgd', { kind: 'sgd', momentum: 0, nesterov: false, weightDecay: 0 }],
  ['sgd momentum + weight decay', { kind: 'sgd', momentum: 0.9, nesterov: false, weightDecay: 5e-4 }],
  ['sgd nesterov', { kind: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 1e-3 }],
  ['adam', { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-2 }],
];

for (const [name, opts] of cases) {
  test(`${name} follows torch.optim exactly`, (t) => {
    if (!hasTorch) { t.skip(crossCheckSkip('torch')); return; }
    const lr = 0.1;
    const r = spawnSync(pythonPath(), [join(PYTHON_DIR, 'optim_reference.py'), JSON.stringify({ ...opts, lr, params, grads })], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const ref = JSON.parse(r.stdout) as number[][];
    const ours = trajectory(opts, params, grads, lr);
    for (let s = 0; s < ref.length; s++) for (let i = 0; i < 6; i++) {
      assert.ok(Math.abs(ours[s]![i]! - ref[s]![i]!) <= 1e-6 * (1 + Math.abs(ref[s]![i]!)), `step ${s} entry ${i}: ${ours[s]![i]} vs ${ref[s]![i]}`);
    }
  });
}

test('plain SGD is θ − lr·g (no torch needed)', () => {
  const out = trajectory({ kind: 'sgd', momentum: 0, nesterov: false, weightDecay: 0 }, [1, 2], [[0.5, -1]], 0.1);
  assert.deepEqual(out[0]!.map((x) => Math.round(x * 1e6) / 1e6), [0.95, 2.1]);
});

test('cosine schedule starts at base, ends at 0, halves in the middle', () => {
  assert.equal(learningRate('cosine', 0.1, 0, 100), 0.1);
  assert.ok(Math.abs(learningRate('cosine', 0.1, 50, 100) - 0.05) < 1e-12);
  assert.ok(learningRate('cosine', 0.1, 100, 100) < 1e-12);
  assert.equal(learningRate('step', 1, 80, 100), 0.01);
});
