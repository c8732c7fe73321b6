import { test } from 'node:test';
import assert from 'node:assert/strict';
import { correlationObjective, namedObjective, NAMED_SHAPES, NOT_MINED, orderingObjective, shapeOptions, type Objective } from './objectives.js';
import { classifyCurve, CURVE_TYPES } from '../classify/index.js';
import { bowl, sum, wells, type CurveFn } from '../../testing/analytic-curves.js';
import { createRng } from '../rng.js';

/** Central differences in float64 of a scalar function of a small vector. */
function numericGrad(fn: (f: number[]) => number, f: readonly number[], h = 1e-6): number[] {
  return f.map((_, k) => {
    const up = [...f], dn = [...f];
    up[k]! += h; dn[k]! -= h;
    return (fn(up) - fn(dn)) / (2 * h);
  });
}

test('the ordering objective’s gradient matches float64 finite differences (f(0)’s entry excluded: it is constant in ε)', () => {
  const rng = createRng(3);
  const pairs = [[2, 1], [2, 3], [0, 1], [4, 3]] as const;
  for (let trial = 0; trial < 50; trial++) {
    const f = Array.from({ length: 5 }, () => 1 + rng.normal() * 0.3);
    const value = (x: readonly number[]): number => orderingObjective(x, pairs, 2, 0.1, 0.05, 0.25).value;
    const { grad } = orderingObjective(f, pairs, 2, 0.1, 0.05, 0.25);
    const fd = numericGrad((x) => {
      // hold f(0) fixed, as it is in mining
      const y = [...x]; y[2] = f[2]!;
      return value(y);
    }, f);
    for (const k of [0, 1, 3, 4]) assert.ok(Math.abs(grad[k]! - fd[k]!) <= 1e-5 * Math.max(1, Math.abs(fd[k]!)), `trial ${trial}, probe ${k}: ${grad[k]} vs ${fd[k]}`);
  }
});

test('the correlation objective is 0 for any affine copy of the template and its gradient matches finite differences', () => {
  const t = [1, 0, 0.6, 0, 1];
  assert.ok(Math.abs(correlationObjective(t.map((v) => 3 * v + 2), t).value) < 1e-12);
  assert.ok(Math.abs(correlationObjective(t.map((v) => -v), t).value - 2) < 1e-12, 'the mirror image scores 2');
  const rng = createRng(4);
  for (let trial = 0; trial < 20; trial++) {
    const f = t.map(() => rng.normal());
    const { grad } = correlationObjective(f, t);
    const fd = numericGrad((x) => correlationObjective(x, t).value, f);
    grad.forEach((g, k) => assert.ok(Math.abs(g - fd[k]!) <= 1e-6, `probe ${k}: ${g} vs ${fd[k]}`));
  }
  assert.throws(() => correlationObjective([1, 2], [1, 1]), /all equal/);
});

/** Analytic curves of every named type (Gaussian wells on a bowl), with θ at λ = 0. */
function exemplar(shape: string, l0: number): CurveFn {
  const w = l0 / 4;
  switch (shape) {
    case 'w-peak': return sum(wells([-l0, l0], w), bowl(0, 0.05 / l0 ** 2));
    case 'vvv-basin': return sum(wells([-l0, 0, l0], w / 1.5), bowl(0, 0.05 / l0 ** 2));
    case 'w-basin': return sum(wells([0, l0], w / 1.5), bowl(0, 0.05 / l0 ** 2));
    default: return sum(wells([l0], l0 / 2), bowl(l0, 0.05 / l0 ** 2));
  }
}

test('every curve type is either a named mining shape (whose target it is) or has a reason not to be mined', () => {
  const named = new Set<string>(NAMED_SHAPES), notMined = new Set(Object.keys(NOT_MINED));
  for (const t of CURVE_TYPES) assert.ok(named.has(t) !== notMined.has(t), `${t}: named ${named.has(t)}, in NOT_MINED ${notMined.has(t)}`);
  assert.equal(named.size + notMined.size, CURVE_TYPES.length);
  for (const shape of NAMED_SHAPES) assert.equal(namedObjective(shape).target, shape);
});

test('each named shape scores its own exemplar near 0 and a v-basin (θ at the bottom, no other basin) clearly higher', () => {
  for (const shape of NAMED_SHAPES) {
    const obj: Objective = namedObjective(shape);
    const l0 = shapeOptions(shape).lambda0;
    const good = exemplar(shape, l0);
    // the exemplar is what the taxonomy calls this shape on the judging grid
    const grid = Array.from({ length: 51 }, (_, i) => obj.judgeInterval[0] + ((obj.judgeInterval[1] - obj.judgeInterval[0]) * i) / 50);
    assert.equal(classifyCurve(grid, grid.map(good)).type, obj.target, `exemplar of ${shape}`);
    const jGood = obj.evaluate(obj.probes.map(good)).value;
    const jV = obj.evaluate(obj.probes.map(bowl(0, 1))).value;
    assert.ok(jGood < 0.05 * jV, `${shape}: exemplar ${jGood}, v-basin ${jV}`);
  }
});

test('named shapes place their probes at multiples of λ₀ and validate options', () => {
  assert.deepEqual(namedObjective('w-peak', { lambda0: 0.5 }).probes, [-1, -0.5, 0, 0.5, 1]);
  assert.deepEqual(namedObjective('vvv-basin', { lambda0: 1 }).judgeInterval, [-2, 2]);
  assert.equal(shapeOptions('vvv-basin').lambda0, 2);
  assert.equal(shapeOptions('w-peak', { lambda0: undefined }).lambda0, 1, 'an undefined option keeps the default');
  assert.throws(() => namedObjective('w-peak', { lambda0: 0 }), /λ₀ must be positive/);
  assert.throws(() => namedObjective('w-peak', { margin: -1 }), /margin must be positive/);
});

test('a flat curve does not satisfy the orderings for free (the floor keeps a margin)', () => {
  const obj = namedObjective('w-peak');
  const flat = obj.evaluate(obj.probes.map(() => 1)).value;
  const peak = obj.evaluate(obj.probes.map(exemplar('w-peak', 1))).value;
  assert.ok(flat > 10 * peak, `flat ${flat}, w-peak ${peak}`);
});
