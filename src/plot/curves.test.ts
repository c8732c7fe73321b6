import { test } from 'node:test';
import assert from 'node:assert/strict';
import { curvesPlot, curvesSpec, type CurveSeries } from './curves.js';
import { titleBlock } from './theme.js';
import { svgToPng } from './render.js';
import { decodePng, inkFraction, assertWellFormedXml, svgTexts, saveArtifact, runSpec, markItems } from '../testing/plot.js';
import { classifyCurve } from '../core/classify/index.js';
import { bowl, wells, evenWells, sample } from '../testing/analytic-curves.js';
import { createRng } from '../core/rng.js';

function directions(withAccuracy: boolean): CurveSeries[] {
  const rng = createRng(3);
  return ([['d1', bowl(0)], ['d2', wells([-0.3, 0.3], 0.12)], ['d3', bowl(0.35)], ['d4', evenWells(-1, 1, 3)]] as const)
    .map(([label, f]) => {
      const s = sample(f, -1, 1, 51, 0.003, rng);
      const type = classifyCurve(s.lambdas, s.loss).type;
      return { label, ...s, type, ...(withAccuracy ? { accuracy: s.loss.map((v) => 1 - v / 3) } : {}) };
    });
}

const TITLE = 'mlp on digits — gaussian filter-normalised directions, BN eval';

test('curves plot: well-formed SVG with title, axis labels and a legend naming each type', async () => {
  const curves = directions(true);
  const svg = await curvesPlot(curves, { title: TITLE, yLabel: 'train loss' });
  assertWellFormedXml(svg);
  const texts = svgTexts(svg);
  const titleLines = [titleBlock({ title: TITLE }).text].flat() as string[]; // long titles wrap
  for (const expected of [...titleLines, 'λ', 'train loss', 'accuracy', 'd1 — v-basin', 'd2 — w-peak', 'd3 — v-side', 'd4 — vvv-basin']) {
    assert.ok(texts.includes(expected), `missing text "${expected}"`);
  }
  const img = decodePng(svgToPng(svg, { scale: 2 }));
  const [w, h] = [Number(/width="(\d+)"/.exec(svg)![1]), Number(/height="(\d+)"/.exec(svg)![1])];
  assert.deepEqual([img.width, img.height], [2 * w, 2 * h]);
  assert.ok(inkFraction(img) > 0.02, 'the plot has ink');
  await saveArtifact('curves-with-accuracy', svg);
});

test('curves plot: one line per direction, no accuracy panel without accuracy', async () => {
  const curves = directions(false);
  const view = await runSpec(curvesSpec(curves, { title: TITLE, yLabel: 'loss' }));
  try {
    assert.equal(markItems(view, 'lossPanel').length, 1, 'one loss panel');
    assert.equal(markItems(view, 'accuracyPanel').length, 0, 'no accuracy panel');
  } finally {
    view.finalize();
  }
  const svg = await curvesPlot(curves, { title: TITLE, yLabel: 'loss' });
  assert.ok(!svgTexts(svg).includes('accuracy'));
  assert.equal((svg.match(/class="mark-line role-mark"/g) ?? []).length, curves.length);
  await saveArtifact('curves', svg);
});

test('curves plot: log y drops non-positive values and says how many', async () => {
  const svg = await curvesPlot([{ label: 'a', lambdas: [-1, 0, 1], loss: [1, 0, 2] }], { title: 't', logY: true });
  assert.ok(svgTexts(svg).some((s) => s.startsWith('1 loss values not drawn')));
});

test('curves plot: mismatched lengths name the curve', async () => {
  await assert.rejects(curvesPlot([{ label: 'bad', lambdas: [0, 1], loss: [1] }], { title: 't' }), /curve "bad" has 2 lambdas and 1 loss values/);
  await assert.rejects(curvesPlot([], { title: 't' }), /no curves/);
});
