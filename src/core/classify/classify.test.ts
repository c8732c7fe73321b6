// Every taxonomy type from analytic curves, with seeded noise (0.3 % of the range), on grids of 21, 51 and 101
// points over symmetric and lopsided intervals. Each curve lists the intervals on which its shape is whole
// (e.g. a bowl centred at 0.35 still has its right wall on [-0.5, 1.5] but not on [-1.5, 0.5]).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyCurve, type CurveType } from './classify.js';
import { bowl, wells, evenWells, sample, noiseCurve, type CurveFn } from '../../testing/analytic-curves.js';
import { createRng } from '../rng.js';

type Interval = [number, number];
const SYM: Interval = [-1, 1], RIGHT: Interval = [-0.5, 1.5], LEFT: Interval = [-1.5, 0.5];
const GRIDS = [21, 51, 101];
const SEEDS = [1, 2, 3];
const NOISE = 0.003;

interface Case { name: string; f: (a: number, b: number) => CurveFn; on: Interval[] }
const fixed = (f: CurveFn) => () => f;

const CASES: Record<CurveType, Case[]> = {
  'v-basin': [
    { name: 'quadratic bowl at 0', f: fixed(bowl(0)), on: [SYM, RIGHT, LEFT] },
    { name: '|λ|', f: fixed(Math.abs), on: [SYM, RIGHT, LEFT] },
    { name: 'bowl 3× steeper on the right', f: fixed((x) => (x < 0 ? x * x : 3 * x * x)), on: [SYM, LEFT] },
    { name: 'broad Gaussian well at 0', f: fixed(wells([0], 0.3)), on: [SYM, RIGHT, LEFT] },
  ],
  'v-side': [
    { name: 'bowl centred at 0.35', f: fixed(bowl(0.35)), on: [SYM, RIGHT] },
    { name: 'bowl centred at -0.35', f: fixed(bowl(-0.35)), on: [SYM, LEFT] },
    { name: 'narrow well at 0.3', f: fixed(wells([0.3], 0.15)), on: [SYM, RIGHT] },
  ],
  'w-basin': [
    { name: 'wells at 0 and 0.6', f: fixed(wells([0, 0.6], 0.15)), on: [SYM, RIGHT] },
    { name: 'θ in the shallower well (0), deeper at -0.6', f: fixed(wells([0, -0.6], 0.15, [0.6, 1])), on: [SYM, LEFT] },
  ],
  'w-peak': [
    { name: 'wells at ±0.3, θ on the barrier', f: fixed(wells([-0.3, 0.3], 0.12)), on: [SYM, RIGHT, LEFT] },
    { name: 'wells at -0.25 and 0.4, θ near the barrier', f: fixed(wells([-0.25, 0.4], 0.12)), on: [SYM, RIGHT, LEFT] },
  ],
  'vvv-basin': [
    { name: 'triple well', f: (a, b) => evenWells(a, b, 3), on: [SYM, RIGHT, LEFT] },
    { name: 'quadruple well', f: (a, b) => evenWells(a, b, 4), on: [SYM, RIGHT, LEFT] },
    { name: 'triple well with unequal depths', f: fixed(wells([-0.3, 0.2, 0.7], 0.1, [1, 0.5, 0.8])), on: [SYM, RIGHT] },
  ],
  monotone: [
    { name: 'rising line', f: fixed((x) => 2 * x + 1), on: [SYM, RIGHT, LEFT] },
    { name: 'falling line', f: fixed((x) => -x), on: [SYM, RIGHT, LEFT] },
    { name: 'tanh step', f: fixed((x) => Math.tanh(3 * x)), on: [SYM, RIGHT, LEFT] },
    { name: 'exponential', f: fixed(Math.exp), on: [SYM, RIGHT, LEFT] },
  ],
  peak: [
    { name: 'inverted bowl at 0', f: fixed((x) => -x * x), on: [SYM, RIGHT, LEFT] },
    { name: 'inverted bowl at 0.3', f: fixed((x) => -((x - 0.3) ** 2)), on: [SYM, RIGHT] },
  ],
  flat: [
    { name: 'constant 2.3 with 1e-5 relative noise', f: fixed(() => 2.3), on: [SYM, RIGHT, LEFT] },
  ],
  chaotic: [], // pure noise: its own test below
};

for (const [expected, cases] of Object.entries(CASES) as [CurveType, Case[]][]) {
  if (cases.length === 0) continue;
  test(`${expected}: every case, grid and seed`, () => {
    const wrong: string[] = [];
    for (const c of cases) for (const [a, b] of c.on) for (const n of GRIDS) for (const seed of SEEDS) {
      const curve = sample(c.f(a, b), a, b, n, expected === 'flat' ? 1e-5 : NOISE, createRng(seed * 1000 + n));
      const { type } = classifyCurve(curve.lambdas, curve.loss);
      if (type !== expected) wrong.push(`${c.name} on [${a}, ${b}], n=${n}, seed ${seed}: ${type}`);
    }
    assert.deepEqual(wrong, [], `expected ${expected}`);
  });
}

test('chaotic: pure noise on 51 and 101 points, every seed', () => {
  for (const n of [51, 101]) for (const [a, b] of [SYM, RIGHT]) for (let seed = 1; seed <= 20; seed++) {
    const curve = noiseCurve(a, b, n, 2.3, createRng(seed));
    assert.equal(classifyCurve(curve.lambdas, curve.loss).type, 'chaotic', `n=${n} [${a}, ${b}] seed ${seed}`);
  }
});

test('chaotic: pure noise on 21 points, at least 95 of 100 seeds (a few look like three clean basins)', () => {
  let chaotic = 0;
  for (let seed = 1; seed <= 100; seed++) {
    const curve = noiseCurve(-1, 1, 21, 2.3, createRng(seed));
    if (classifyCurve(curve.lambdas, curve.loss).type === 'chaotic') chaotic++;
  }
  assert.ok(chaotic >= 95, `only ${chaotic} of 100 noise curves were chaotic`);
});

test('chaotic: a quickly oscillating curve (period 3.3 grid steps) plus noise', () => {
  const rng = createRng(7);
  for (const n of GRIDS) {
    const step = 2 / (n - 1);
    const curve = sample((x) => Math.sin((2 * Math.PI * x) / (3.3 * step)), -1, 1, n, 0.05, rng);
    assert.equal(classifyCurve(curve.lambdas, curve.loss).type, 'chaotic', `n=${n}`);
  }
});

// Two trained models on one line: a tall barrier between two wells whose outer walls the interval cuts low
// (the loss keeps falling slightly beyond each model, as weight decay leaves it). Both wells are basins.
test('wells cut by the interval: a significant barrier plus a small edge rise still make two basins', () => {
  const lambdas = Array.from({ length: 51 }, (_, i) => -0.5 + (2 * i) / 50);
  const curve = (edgeRise: number) => lambdas.map((x) => {
    const barrier = 0.38 * Math.exp(-((x - 0.5) ** 2) / (2 * 0.12 ** 2));
    const outer = x < -0.2 ? edgeRise * ((x + 0.2) / 0.3) ** 2 : x > 1.15 ? edgeRise * ((x - 1.15) / 0.35) ** 2 : 0;
    return 0.003 + 0.002 * (x - 0.1) ** 2 + barrier + outer;
  });
  assert.equal(classifyCurve(lambdas, curve(0.012)).type, 'w-basin');
  // below edgeProminence (1 % of the range) the edge walls do not make basins
  assert.notEqual(classifyCurve(lambdas, curve(0.001)).type, 'w-basin');
});

// The same line when extrapolation beyond one model explodes: the lower well's barrier-side walk runs over the barrier
// and the other well up to the far end, so its barrier is the significant maximum passed on the way.
test('wells cut by the interval: a far wall that dwarfs the barrier still leaves two basins', () => {
  const lambdas = Array.from({ length: 31 }, (_, i) => -0.5 + (2 * i) / 30);
  const curve = (edgeRise: number) => lambdas.map((x) => {
    const blowUp = x < -0.2 ? 7 * ((-0.2 - x) / 0.3) ** 4 : 0;
    const barrier = 1.47 * Math.exp(-((x - 0.47) ** 2) / (2 * 0.1 ** 2));
    const outer = x > 1.15 ? edgeRise * ((x - 1.15) / 0.35) ** 2 : 0;
    return 0.004 - 0.0012 * (x > 0.5 ? 1 : 0) + blowUp + barrier + outer;
  });
  const r = classifyCurve(lambdas, curve(0.09));
  assert.equal(r.type, 'w-basin');
  assert.equal(r.features.basins.length, 2);
  assert.equal(r.features.origin.basin, 0);
  // an edge wall below edgeProminence · range (range ≈ 7) leaves one basin
  assert.equal(classifyCurve(lambdas, curve(0.02)).type, 'v-basin');
});
