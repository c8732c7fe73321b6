import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel } from '../../ir/zoo/index.js';
import { randomBatches } from '../../testing/landscape.js';
import { evaluateWeights } from '../evaluate/point.js';
import { paramsOf, toTensors, type ParamVector } from '../params.js';
import { createRng } from '../rng.js';
import { curvePoint, type CurveKind } from './geometry.js';
import { CurveObjective } from './objective.js';

// A tanh MLP (no kinks, so central differences are clean) on one random batch; three independently drawn models
// per control point. The curve objective F(θⱼ) = L(φ(t)) as a function of bend j alone is checked against central
// differences along a random unit direction, so both ∇L and the weight wⱼ(t) are tested.
const model = buildModel({ arch: 'mlp', options: { widths: [12], activation: 'tanh' }, inputShape: [1, 8, 8], classes: 10 }, 1);
const batch = randomBatches(3, [48])[0]!;
const at = (seed: number): ParamVector => paramsOf(buildModel({ ...model.spec }, seed));

async function loss(point: ParamVector): Promise<number> {
  // float64-free reference: the plain forward pass and cross-entropy of the evaluation path, not the gradient graph.
  return (await evaluateWeights(model, toTensors(point), [batch], { threads: 1 })).loss;
}

const cases: [CurveKind, number, number][] = [['bezier', 1, 0.3], ['bezier', 2, 0.55], ['polychain', 2, 0.4], ['polychain', 1, 0.8]];

for (const [kind, bends, t] of cases) {
  test(`${kind}, ${bends} bend(s), t=${t}: ∂L(φ(t))/∂bend matches central differences`, async () => {
    const controls = [at(10), ...Array.from({ length: bends }, (_, j) => at(20 + j)), at(30)];
    const obj = await CurveObjective.create(model, new Map(), 1);
    try {
      const s = await obj.step(kind, controls, t, batch);
      assert.equal(s.bendGrads.length, bends);
      assert.ok(Math.abs(s.loss - await loss(curvePoint(kind, controls, t))) < 1e-5, 'loss of the step is the loss at φ(t)');
      const rng = createRng(7);
      for (let j = 0; j < bends; j++) {
        const d = Float32Array.from({ length: model.params.length ? controls[0]!.data.length : 0 }, () => rng.normal());
        const nd = Math.hypot(...d);
        d.forEach((x, i) => { d[i] = x / nd; });
        const h = 1e-2;
        const moved = (sign: number) => controls.map((c, k) => (k === j + 1 ? { layout: c.layout, data: Float32Array.from(c.data, (x, i) => x + sign * h * d[i]!) } : c));
        const fd = (await loss(curvePoint(kind, moved(1), t)) - await loss(curvePoint(kind, moved(-1), t))) / (2 * h);
        const analytic = s.bendGrads[j]!.reduce((acc, g, i) => acc + g * d[i]!, 0);
        assert.ok(Math.abs(fd - analytic) <= 2e-3 * Math.max(1e-2, Math.abs(analytic)) + 2e-4, `bend ${j + 1}: finite differences ${fd}, gradient ${analytic}`);
      }
    } finally {
      await obj.dispose();
    }
  });
}
