import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SharpnessMeasures } from './measures.js';
import { orderings, sharpnessCsv, summaryRows, type SharpnessRow } from './table.js';

function row(model: string, lambdaMax: number, width: number, epsilon: number): SharpnessRow {
  const measures = {
    loss: 0.5, parameters: 10, lambdaMax: { value: lambdaMax, residual: 1e-6, converged: true, matvecs: 3 },
    trace: { mean: 10 * lambdaMax, stderr: 0.1, samples: 4 }, traceOverP: { mean: lambdaMax, stderr: 0.01 },
    epsilonSharpness: { epsilon: 1e-3, loss0: 0.5, maxLoss: 0.5 + epsilon, increase: epsilon, keskar: 100 * epsilon / 1.5, restarts: [epsilon], steps: 1, gradients: 1 },
    lossIncrease: { radius: 0.5, loss0: 0.5, increases: [lambdaMax], mean: lambdaMax, stderr: NaN },
    basinWidth: { delta: 0.1, maxLambda: 2, loss0: 0.5, directions: [], mean: width, stderr: 0.02, censored: 0, evaluations: 1 },
  } as SharpnessMeasures;
  return { model, path: `${model}.safetensors`, epoch: NaN, measures };
}

test('CSV: header, one row per model, non-finite numbers as empty cells, quoted commas', () => {
  const csv = sharpnessCsv([row('a', 2, 1, 0.1), row('b,c', 1, 2, 0.2)]).trim().split('\n');
  assert.equal(csv.length, 3);
  assert.equal(csv[0]!.split(',').length, 16);
  const a = csv[1]!.split(',');
  assert.deepEqual([a[0], a[2], a[5], a[12]], ['a', '', '2', '']);
  assert.ok(csv[2]!.startsWith('"b,c","b,c.safetensors",'), csv[2]);
});

test('orderings: flattest first per measure (basin width: wider is flatter); agreement only when all agree', () => {
  const agree = orderings([row('sharp', 2, 1, 0.2), row('flat', 1, 2, 0.1)]);
  assert.equal(agree.agree, true);
  assert.deepEqual(agree.orders['λ_max'], ['flat', 'sharp']);
  assert.deepEqual(agree.orders['basin width (narrower = sharper)'], ['flat', 'sharp']);
  const differ = orderings([row('sharp', 2, 1, 0.1), row('flat', 1, 2, 0.2)]);
  assert.equal(differ.agree, false);
  assert.deepEqual(differ.orders['ε-sharpness'], ['sharp', 'flat']);
  assert.deepEqual(summaryRows([row('a', 2, 1, 0.1)])[0], {
    model: 'a', epoch: null, loss: 0.5, lambdaMax: 2, traceOverP: 2, epsilonSharpness: 0.1, lossIncrease: 2, basinWidth: 1,
    lambdaMaxResidual: 1e-6, traceOverPStderr: 0.01, lossIncreaseStderr: null, basinWidthStderr: 0.02,
  });
});
