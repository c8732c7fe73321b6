import { test } from 'node:test';
import assert from 'node:assert/strict';
import { densityPlot } from './density.js';
import { svgToPng } from './render.js';
import { decodePng, inkFraction, assertWellFormedXml, svgTexts, saveArtifact } from '../testing/plot.js';
import { linspace } from '../testing/analytic-curves.js';

const grid = linspace(-2, 30, 300);
const gauss = (x: number, m: number, s: number, w: number) => (w * Math.exp(-((x - m) ** 2) / (2 * s * s))) / (s * Math.sqrt(2 * Math.PI));
const values = grid.map((x) => gauss(x, 0, 0.3, 0.97) + gauss(x, 12, 0.4, 0.02) + gauss(x, 25, 0.4, 0.01));

test('density plot: labels, log floor noted, PNG with ink', async () => {
  const svg = await densityPlot({ grid, values }, { title: 'Hessian density — mlp on digits (SLQ, 20 probes)', logY: true });
  assertWellFormedXml(svg);
  const texts = svgTexts(svg);
  for (const expected of ['Hessian density — mlp on digits (SLQ, 20 probes)', 'eigenvalue', 'density']) assert.ok(texts.includes(expected), `missing "${expected}"`);
  assert.ok(texts.some((t) => /values below .* drawn at it \(log scale\)/.test(t)), 'the floor is reported');
  assert.ok(inkFraction(decodePng(svgToPng(svg))) > 0.02);
  await saveArtifact('density-log', svg);
});

test('density plot: linear y draws without notes; mismatched lengths are refused', async () => {
  const svg = await densityPlot({ grid, values }, { title: 'linear' });
  assert.ok(!svgTexts(svg).some((t) => t.includes('drawn at')));
  await assert.rejects(densityPlot({ grid: [0, 1], values: [1] }, { title: 't' }), /grid has 2 points and values has 1/);
});
