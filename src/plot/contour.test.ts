import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contourPlot, contourSpec, contourThresholds, resolveLevelScale } from './contour.js';
import { svgToPng } from './render.js';
import { decodePng, inkFraction, assertWellFormedXml, svgTexts, saveArtifact, runSpec } from '../testing/plot.js';
import { linspace } from '../testing/analytic-curves.js';

// A bowl centred off the origin on a non-square 51 × 41 grid: every level set is a circle about (0.3, -0.2).
const CX = 0.3, CY = -0.2;
const x = linspace(-1, 1, 51), y = linspace(-0.8, 0.8, 41);
const bowlSurface = { x, y, loss: y.map((b) => x.map((a) => (a - CX) ** 2 + (b - CY) ** 2)) };

test('contours of a bowl are rings of radius √t about its centre, mapped onto the axes (y upwards)', async () => {
  const width = 400, height = 320;
  const spec = contourSpec(bowlSurface, { title: 'bowl', width, height, levels: 40, levelScale: 'linear' });
  const view = await runSpec(spec);
  try {
    const contours = view.data('contours') as { contour: { value: number; coordinates: number[][][][] } }[];
    const toData = ([px, py]: number[]) => [x[0]! + (px! / width) * 2, y[0]! + ((height - py!) / height) * 1.6];
    let ringsChecked = 0;
    for (const { contour } of contours) {
      const r = Math.sqrt(contour.value);
      // circles wholly inside the grid: the nearest side is y = -0.8, 0.6 below the centre
      if (r < 0.15 || r > 0.55) continue;
      // d3-contour draws the superlevel set {f ≥ t}: the grid's outline with the circle as a hole
      assert.equal(contour.coordinates.length, 1, `level ${contour.value}: one polygon`);
      const rings = contour.coordinates[0]!;
      assert.equal(rings.length, 2, `level ${contour.value}: the outline and one hole`);
      const onBorder = (p: number[]) => p[0]! <= 0 || p[0]! >= width || p[1]! <= 0 || p[1]! >= height;
      const [outline, hole] = rings.every((q) => q.every(onBorder)) ? [rings[0]!, rings[1]!]
        : rings[0]!.every(onBorder) ? [rings[0]!, rings[1]!] : [rings[1]!, rings[0]!];
      assert.ok(outline.every(onBorder), `level ${contour.value}: the outline follows the grid's border`);
      assert.deepEqual(hole[0], hole[hole.length - 1], 'closed');
      for (const p of hole) {
        const [a, b] = toData(p);
        const radius = Math.hypot(a! - CX, b! - CY);
        assert.ok(Math.abs(radius - r) < 0.01, `level ${contour.value}: point (${a}, ${b}) at radius ${radius}, expected ${r}`);
      }
      ringsChecked++;
    }
    assert.ok(ringsChecked >= 3, `only ${ringsChecked} rings checked`);
  } finally {
    view.finalize();
  }
});

test('contour plot: SVG with title, axis labels, filled and line contours; PNG of the right size with ink', async () => {
  const svg = await contourPlot(bowlSurface, { title: 'mlp on digits — random x/y, BN eval', xLabel: 'α (x: gaussian)', yLabel: 'β (y: gaussian)' });
  assertWellFormedXml(svg);
  const texts = svgTexts(svg);
  for (const expected of ['mlp on digits — random x/y, BN eval', 'α (x: gaussian)', 'β (y: gaussian)', 'loss', 'θ']) {
    assert.ok(texts.includes(expected), `missing "${expected}"`);
  }
  assert.match(svg, /class="mark-shape role-mark contourFill"/);
  assert.match(svg, /class="mark-shape role-mark contourLines"/);
  const img = decodePng(svgToPng(svg, { scale: 1 }));
  assert.equal(img.width, Number(/width="(\d+)"/.exec(svg)![1]));
  assert.ok(inkFraction(img) > 0.3, 'filled contours cover the plot');
  await saveArtifact('contour-bowl-51x41', svg);
});

test('contour levels: linear and log spacing, and the auto rule', () => {
  assert.deepEqual(contourThresholds(0, 4, 4, 'linear'), [0, 1, 2, 3]);
  const log = contourThresholds(0.01, 100, 4, 'log');
  [0.01, 0.1, 1, 10].forEach((v, k) => assert.ok(Math.abs(log[k]! - v) < 1e-12 * Math.max(1, v), `${log[k]} vs ${v}`));
  assert.equal(resolveLevelScale({ min: 0.01, max: 3 }), 'log');
  assert.equal(resolveLevelScale({ min: 0, max: 3 }), 'linear');
  assert.equal(resolveLevelScale({ min: 1, max: 3 }), 'linear');
  assert.throws(() => contourThresholds(0, 1, 3, 'log'), /positive values/);
});

test('contour plot: uneven grids and ragged rows are refused with the field named', async () => {
  await assert.rejects(contourPlot({ x: [0, 1, 3], y: [0, 1], loss: [[1, 2, 3], [4, 5, 6]] }, { title: 't' }), /x must be evenly spaced.*x\[1\] = 1/);
  await assert.rejects(contourPlot({ x: [0, 1], y: [0, 1], loss: [[1, 2], [3]] }, { title: 't' }), /loss\[1\] has 1 values, expected one per x value \(2\)/);
});
