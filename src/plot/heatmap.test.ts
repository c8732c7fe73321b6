import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heatmapPlot, heatmapSpec, cellEdges } from './heatmap.js';
import { svgToPng } from './render.js';
import { decodePng, inkFraction, assertWellFormedXml, svgTexts, saveArtifact, runSpec, markItems } from '../testing/plot.js';
import { linspace } from '../testing/analytic-curves.js';

const x = linspace(-1, 1, 51), y = linspace(-0.8, 0.8, 41);

test('cell edges sit halfway between coordinates and half a step beyond the ends', () => {
  assert.deepEqual(cellEdges([0, 1, 3]), [-0.5, 0.5, 2, 4]);
});

test('heatmap: one cell per grid point; the hottest cell is drawn at its (x, y), y upwards', async () => {
  const [hi, hj] = [40, 30]; // x = 0.6, y = 0.4
  const loss = y.map((_, j) => x.map((_, i) => (i === hi && j === hj ? 5 : 1 + 0.01 * i)));
  const width = 510, height = 410; // 10 px per cell
  const view = await runSpec(heatmapSpec({ x, y, loss }, { title: 't', width, height }));
  try {
    const cells = markItems(view, 'heatCells') as unknown as { x: number; y: number; width: number; height: number; datum: { loss: number } }[];
    assert.equal(cells.length, 51 * 41);
    const hot = cells.find((c) => c.datum.loss === 5)!;
    assert.ok(Math.abs(hot.x - hi * 10) < 1e-9 && Math.abs(hot.width - 10) < 1e-9, `x ${hot.x}, width ${hot.width}`);
    // row j = 30 of 41 counted from the bottom: its top edge is (40 − 30) cells below the plot's top
    const top = Math.min(hot.y, hot.y + hot.height);
    assert.ok(Math.abs(top - (40 - hj) * 10) < 1e-9, `top ${top}`);
  } finally {
    view.finalize();
  }
});

test('heatmap plot: SVG with title and labels, non-finite values noted, PNG with ink', async () => {
  const loss = y.map((b) => x.map((a) => 0.05 + (a - 0.2) ** 2 + 2 * (b - 0.3) ** 2));
  loss[0]![0] = NaN;
  const svg = await heatmapPlot({ x, y, loss }, { title: 'resnet-8 on cifar10 — x: gaussian, y: gradient, BN recompute' });
  assertWellFormedXml(svg);
  const texts = svgTexts(svg);
  for (const expected of ['resnet-8 on cifar10 — x: gaussian, y: gradient, BN recompute', 'α', 'β', 'loss', '1 NaN/infinite loss values drawn at the extremes']) {
    assert.ok(texts.includes(expected), `missing "${expected}"`);
  }
  const img = decodePng(svgToPng(svg));
  assert.ok(inkFraction(img) > 0.4);
  await saveArtifact('heatmap-51x41', svg);
});
