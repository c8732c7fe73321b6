import { test } from 'node:test';
import assert from 'node:assert/strict';
import { surface3dPlot } from './surface3d.js';
import { project, sortedQuads, niceTicks } from './projection.js';
import { svgToPng } from './render.js';
import { decodePng, inkFraction, assertWellFormedXml, svgTexts, saveArtifact } from '../testing/plot.js';
import { linspace } from '../testing/analytic-curves.js';

const close = (a: number, b: number) => Math.abs(a - b) < 1e-12;

test('projection: seen from straight above the ground maps to the screen; from the side, height is up', () => {
  const top = project(0.3, -0.7, 5, { elevation: 90, azimuth: 0 });
  assert.ok(close(top.u, 0.3) && close(top.v, -0.7), `${top.u}, ${top.v}`);
  const side = project(0.3, -0.7, 5, { elevation: 0, azimuth: 0 });
  assert.ok(close(side.u, 0.3) && close(side.v, 5));
  assert.ok(side.depth > project(0.3, 0.7, 5, { elevation: 0, azimuth: 0 }).depth, 'smaller y is nearer the viewer');
  const turned = project(1, 0, 0, { elevation: 90, azimuth: 90 }); // a quarter turn takes x onto y
  assert.ok(close(turned.u, 0) && close(turned.v, 1));
});

test('painter order: on a flat surface, cells come far (high on screen) to near (low on screen)', () => {
  const view = { elevation: 30, azimuth: -55 };
  const nx = 9, ny = 7;
  const pts = (i: number, j: number) => project(i / 4 - 1, j / 3 - 1, 0, view);
  const quads = sortedQuads(nx, ny, (i, j) => pts(i, j).depth, () => 0);
  assert.equal(quads.length, (nx - 1) * (ny - 1));
  const screenV = quads.map((q) => q.corners.reduce((s, [i, j]) => s + pts(i, j).v, 0) / 4);
  for (let k = 1; k < screenV.length; k++) assert.ok(screenV[k]! <= screenV[k - 1]! + 1e-12, `cell ${k} is drawn after a nearer one`);
});

test('nice ticks', () => {
  assert.deepEqual(niceTicks(-1, 1, 4), [-1, -0.5, 0, 0.5, 1]);
  assert.deepEqual(niceTicks(0.13, 2.9, 4), [0.5, 1, 1.5, 2, 2.5]);
});

test('3-D surface plot on a 51 × 41 grid: SVG with title and axis titles, one path per cell, PNG with ink', async () => {
  const x = linspace(-1, 1, 51), y = linspace(-0.8, 0.8, 41);
  const loss = y.map((b) => x.map((a) => 0.05 + (a - 0.2) ** 2 + 2 * (b - 0.3) ** 2));
  const svg = await surface3dPlot({ x, y, loss }, { title: 'mlp on digits — random plane, BN eval', xLabel: 'α', yLabel: 'β', zLabel: 'train loss' });
  assertWellFormedXml(svg);
  const texts = svgTexts(svg);
  for (const expected of ['mlp on digits — random plane, BN eval', 'α', 'β', 'train loss']) assert.ok(texts.includes(expected), `missing "${expected}"`);
  const cells = svg.match(/<path[^>]*>/g)?.length ?? 0;
  assert.ok(cells >= 50 * 40, `${cells} paths for 2,000 cells`);
  const img = decodePng(svgToPng(svg));
  assert.ok(inkFraction(img) > 0.1);
  await saveArtifact('surface3d-51x41', svg);
});
