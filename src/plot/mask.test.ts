// The CLI's figures of --refine and --tolerance results: interpolated cells greyed and hatched with measured nodes
// dotted (contour and heatmap), curves with ±1 s.e. error bars and filled/hollow dots, each with its legend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contourPlot, contourSpec } from './contour.js';
import { curvesPlot, curvesSpec } from './curves.js';
import { heatmapSpec } from './heatmap.js';
import { svgToPng } from './render.js';
import { assertWellFormedXml, decodePng, markItems, runSpec, saveArtifact, svgTexts } from '../testing/plot.js';

const x = [0, 1, 2, 3, 4], y = [0, 1, 2, 3];
const loss = y.map((b) => x.map((a) => 1 + (a - 2) ** 2 + b));
// A refined grid: the corners of two coarse cells measured, the rest of the left half interpolated.
const measured = y.map((_, j) => x.map((_, i) => i >= 3 || (i % 2 === 0 && j % 3 === 0)));
const off = measured.flat().filter((m) => !m).length;

type Item = { x: number; y: number; x2?: number; y2?: number; width?: number; height?: number; datum: Record<string, number> };

test('heatmap: interpolated cells are covered by grey row runs and hatched, measured nodes dotted', async () => {
  const width = 500, height = 400; // 100 px per cell
  const view = await runSpec(heatmapSpec({ x, y, loss }, { title: 't', width, height, measured }));
  try {
    const runs = markItems(view, 'interpolatedGrey') as unknown as Item[];
    // Covered pixels, cell by cell: the grey runs hold exactly the interpolated cells.
    const covered = new Set<string>();
    for (const r of runs) {
      for (let i = Math.round(r.x / 100); i < Math.round((r.x + r.width!) / 100); i++) {
        const row = 3 - Math.round(Math.min(r.y, r.y + r.height!) / 100); // rows counted from the bottom
        covered.add(`${i},${row}`);
      }
    }
    const expected = new Set<string>();
    measured.forEach((row, j) => row.forEach((m, i) => { if (!m) expected.add(`${i},${j}`); }));
    assert.deepEqual([...covered].sort(), [...expected].sort());
    assert.equal(markItems(view, 'interpolatedHatch').length, off * 5, 'cells of 100 px: the diagonal and two stripes on each side');
    const nodes = markItems(view, 'measuredNodes') as unknown as Item[];
    assert.equal(nodes.length, x.length * y.length - off);
    assert.deepEqual(nodes.map((n) => [n.x, n.y])[0], [50, 400 - 50]); // (0, 0): half a cell in from the lower left
  } finally {
    view.finalize();
  }
});

test('contour plot of a refined surface: legend and note, the grey visible in the PNG', async () => {
  const svg = await contourPlot({ x, y, loss }, { title: 'refined', width: 400, height: 320, measured });
  assertWellFormedXml(svg);
  const texts = svgTexts(svg);
  assert.ok(texts.includes(`interpolated (${off})`), texts.join(' | '));
  assert.ok(texts.includes(`measured (${20 - off})`));
  assert.ok(texts.some((t) => t.startsWith(`--refine: ${20 - off} of 20 points measured`)));
  const img = decodePng(svgToPng(svg));
  assert.ok(img.width > 400);
  await saveArtifact('contour-refined', svg);
  // Without a mask nothing is added; a fully measured mask adds nothing either.
  const plain = await runSpec(contourSpec({ x, y, loss }, { title: 't', measured: y.map(() => x.map(() => true)) }));
  try { assert.equal(markItems(plain, 'interpolatedGrey').length, 0); } finally { plain.finalize(); }
  assert.throws(() => contourSpec({ x, y, loss }, { title: 't', measured: [[true]] }), /measured must be 4 rows of 5/);
});

test('curves: ±1 s.e. error bars from loss − se to loss + se, measured dots filled and interpolated hollow', async () => {
  const lambdas = [-1, -0.5, 0, 0.5, 1];
  const l = lambdas.map((v) => 1 + v * v), se = [0.1, 0.2, 0, 0.2, 0.1];
  const m = [true, false, true, false, true];
  const view = await runSpec(curvesSpec([{ label: 'g', lambdas, loss: l, stderr: se, measured: m }], { title: 't' }));
  try {
    const bars = markItems(view, 'errorBarRules') as unknown as Item[];
    assert.equal(bars.length, 4, 'a zero error has no bar');
    const byLambda = new Map(bars.map((b) => [b.datum['lambda'], b.datum]));
    assert.deepEqual([byLambda.get(-0.5)!['lo'], byLambda.get(-0.5)!['hi']], [1.25 - 0.2, 1.25 + 0.2]);
    const dots = markItems(view, 'nodeDots') as unknown as (Item & { fill: string })[];
    assert.deepEqual(dots.map((d) => d.fill), ['#333', 'white', '#333', 'white', '#333']);
  } finally {
    view.finalize();
  }
  const svg = await curvesPlot([{ label: 'g', lambdas, loss: l, stderr: se, measured: m }], { title: 't' });
  const texts = svgTexts(svg);
  for (const t of ['measured', 'interpolated', 'grid points']) assert.ok(texts.includes(t), `missing "${t}"`);
  assert.ok(texts.some((t) => t.startsWith('error bars: ±1 standard error')));
  assert.throws(() => curvesSpec([{ label: 'g', lambdas, loss: l, stderr: [1] }], { title: 't' }), /5 lambdas and 1 standard errors/);
});
