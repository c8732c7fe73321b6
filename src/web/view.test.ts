// Loading fixture run directories and turning them into views: every result kind becomes the panels it should,
// drawing exactly the numbers that were written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRun } from './load.js';
import { collectRuns, loadAll } from './report.js';
import { scanRuns } from './scan.js';
import { CURVE_LAMBDAS, curveLoss, GMI_CURVATURES, GMI_TRACE_OVER_P, mineObjective, PCA_COORDINATES, PCA_SCALE, SURFACE_X, SURFACE_Y, surfaceLoss, writeFixtureRuns } from '../testing/web.js';
import type { Panel, RunView } from './types.js';
import { shortSpec } from './figures/theme.js';
import { overviewPanels, runView } from './view.js';

async function fixtures(): Promise<{ root: string; ids: Record<string, string>; views: Map<string, RunView>; done: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'terrain-web-'));
  const ids = await writeFixtureRuns(root);
  const views = new Map((await loadAll(await collectRuns([root]))).map((r) => [r.found.id, runView(r)]));
  return { root, ids, views, done: () => rm(root, { recursive: true, force: true }) };
}

const trace = (p: Panel, view: string, name?: string): Record<string, unknown> => {
  const v = p.views.find((x) => x.label === view);
  assert.ok(v, `panel ${p.id} has no view '${view}' (has ${p.views.map((x) => x.label).join(', ')})`);
  const t = name ? v.figure.data.find((d) => d['name'] === name) : v.figure.data[0];
  assert.ok(t, `view ${view} of ${p.id} has no trace '${name}'`);
  return t;
};

test('scan finds run and training directories, not their insides, sorted', async () => {
  const f = await fixtures();
  try {
    const found = await scanRuns(f.root);
    assert.deepEqual(found.map((r) => r.id), Object.values(f.ids).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })));
    assert.equal(found.find((r) => r.id === f.ids['train'])!.marker, 'train.json');
    // The root itself as a run: id '' and named after its folder.
    const one = await collectRuns([join(f.root, f.ids['bowl']!)]);
    assert.deepEqual(one.map((r) => r.id), ['bowl']);
  } finally { await f.done(); }
});

test('curve: loss line, ±stderr band, accuracy view, taxonomy badge', async () => {
  const f = await fixtures();
  try {
    const v = f.views.get(f.ids['bowl']!)!;
    assert.equal(v.state, 'done');
    assert.deepEqual(v.badges.map((b) => [b.text, b.tone]), [['v-basin', 'v-basin']]);
    const p = v.panels[0]!;
    assert.equal(v.panels.length, 1);
    const line = trace(p, 'loss', 'loss (v-basin)');
    assert.deepEqual(line['x'], CURVE_LAMBDAS);
    assert.deepEqual(line['y'], CURVE_LAMBDAS.map(curveLoss));
    const upper = trace(p, 'loss', '+1 s.e.')['y'] as number[], lower = trace(p, 'loss', '−1 s.e.')['y'] as number[];
    upper.forEach((u, i) => assert.ok(Math.abs(u - lower[i]! - 0.02) < 1e-12, `band width at ${i}`));
    assert.deepEqual(trace(p, 'accuracy')['y'], CURVE_LAMBDAS.map((l) => 1 - 0.3 * l * l));
    assert.ok(p.views.some((x) => x.label === 'log loss'), 'loss spans 0.1..2.1: a log view is offered');
    assert.equal((v.provenance as { kind: string }).kind, 'curve');
    assert.ok(v.downloads.includes('vtp'));
  } finally { await f.done(); }
});

test('second-order explanation: the prediction is overlaid on the measured curve, its error gets its own view', async () => {
  const f = await fixtures();
  try {
    const v = f.views.get(f.ids['explain']!)!;
    const p = v.panels[0]!;
    assert.deepEqual(trace(p, 'loss', 'loss (v-basin)')['y'], CURVE_LAMBDAS.map((l) => 0.1 + l * l + 0.5 * l ** 4), 'measured is the curve');
    const pred = trace(p, 'loss', 'predicted');
    assert.deepEqual(pred['y'], CURVE_LAMBDAS.map((l) => 0.1 + l * l));
    assert.equal((pred['line'] as { dash: string }).dash, 'dash');
    assert.ok(trace(p, 'error', 'relativeError'));
    assert.deepEqual(v.badges.map((b) => b.text), ['v-basin']);
    const byRadius = v.panels.find((x) => x.title.includes('errorByRadius'))!;
    assert.deepEqual(trace(byRadius, 'maxRelativeError')['x'], [0.1, 0.5, 1], 'x is the radius');
    assert.equal(v.panels.length, 2, 'the nested measured/ run repeats the curve and is not drawn again');
  } finally { await f.done(); }
});

test('gmi: every direction on the shared λ grid; εᵀHε/‖ε‖² as a histogram marked at tr(H)/P', async () => {
  const f = await fixtures();
  try {
    const v = f.views.get(f.ids['gmi']!)!;
    const curves = v.panels.find((p) => p.id.endsWith(':curves'))!;
    const lines = curves.views[0]!.figure.data;
    assert.equal(lines.length, GMI_CURVATURES.length);
    assert.equal(lines[0]!['name'], 'gaussian seed=0 · w-basin', 'direction specs are shortened in legends');
    assert.deepEqual(lines[3]!['x'], Array.from({ length: 11 }, (_, i) => -1 + (2 * i) / 10));
    const table = v.panels.find((p) => p.id.endsWith(':history'))!;
    assert.equal(table.views[0]!.label, 'normalisedCurvature', 'the field marked with tr(H)/P is shown first');
    const hist = table.views.find((x) => x.label === 'normalisedCurvature')!.figure;
    assert.equal(hist.data[0]!['type'], 'histogram');
    assert.deepEqual(hist.data[0]!['x'], GMI_CURVATURES);
    assert.equal((hist.layout['shapes'] as { x0: number }[])[0]!.x0, GMI_TRACE_OVER_P);
    assert.deepEqual(v.badges.map((b) => b.text), ['v-basin 90%', 'tr(H) = 20 ± 1']);
    assert.ok(!v.panels.some((p) => p.title.includes('lambdas')), 'the shared grid is an axis, not a figure');
  } finally { await f.done(); }
});

test('hessian over training: one point per checkpoint, x = epoch, nested trace flattened', async () => {
  const f = await fixtures();
  try {
    const p = f.views.get(f.ids['hessianTraining']!)!.panels[0]!;
    assert.deepEqual(trace(p, 'trace.mean')['x'], [0, 1, 2]);
    assert.deepEqual(trace(p, 'trace.mean')['y'], [5, 8, 11]);
    assert.deepEqual(trace(p, 'lambdaMax')['y'], [1, 2, 3]);
    assert.deepEqual(p.views.slice(-2).map((x) => x.label), ['trace.samples', 'matvecs'], 'counters last');
  } finally { await f.done(); }
});

test('surface: contour and 3-D with z[j][i] at (x[i], y[j]); PCA trajectory in axis units', async () => {
  const f = await fixtures();
  try {
    const v = f.views.get(f.ids['pca']!)!;
    const contour = v.panels.find((p) => p.id.endsWith(':contour'))!, s3 = v.panels.find((p) => p.id.endsWith(':surface3d'))!;
    assert.equal(s3.kind, 'gl3d');
    for (const p of [contour, s3]) {
      const t = trace(p, 'loss');
      const z = t['z'] as number[][];
      assert.equal(z.length, SURFACE_Y.length);
      assert.equal(z[0]!.length, SURFACE_X.length);
      // Asymmetric in x and y, so a transposed grid would fail here.
      assert.equal(z[1]![7], surfaceLoss(SURFACE_X[7]!, SURFACE_Y[1]!));
    }
    const path = trace(contour, 'loss', 'training trajectory');
    const want = [...PCA_COORDINATES.map((c) => c[0]! / PCA_SCALE), 0];
    (path['x'] as number[]).forEach((x, i) => assert.ok(Math.abs(x - want[i]!) < 1e-12));
    assert.deepEqual(path['text'], ['init', 'epoch-001', 'epoch-002', 'final']);
    assert.deepEqual(path['y'], [...PCA_COORDINATES.map((c) => c[1]! / PCA_SCALE), 0]);
    assert.equal(contour.note, undefined, 'norm=none and θ = final: the trajectory is exact, no caveat');
  } finally { await f.done(); }
});

test('a running surface shows its progress and the points so far, null elsewhere', async () => {
  const f = await fixtures();
  try {
    const v = f.views.get(f.ids['running']!)!;
    assert.equal(v.state, 'running');
    assert.deepEqual(v.progress, { done: 25, total: 66 });
    assert.match(v.badges[0]!.text, /running 25\/66/);
    const z = trace(v.panels[0]!, 'loss')['z'] as (number | null)[][];
    assert.equal(z[2]![2], surfaceLoss(SURFACE_X[2]!, SURFACE_Y[2]!));
    assert.equal(z[2]![3], null);
    assert.equal(z.flat().filter((x) => x !== null).length, 25);
    // Old files and no result: incomplete, not running.
    const dir = join(f.root, f.ids['running']!);
    const old = new Date(Date.now() - 3600_000);
    for (const n of ['run.json', 'points.jsonl']) await utimes(join(dir, n), old, old);
    const again = await loadRun({ id: 'x', dir, marker: 'run.json' });
    assert.equal(again.state, 'incomplete');
  } finally { await f.done(); }
});

test('hessian: top and bottom eigenvalues by rank, density, trace and λ badges', async () => {
  const f = await fixtures();
  try {
    const v = f.views.get(f.ids['hessian']!)!;
    assert.deepEqual(trace(v.panels[0]!, 'linear')['y'], [5, 2, 1, -0.1]);
    assert.ok(v.panels[1]!.id.endsWith(':density'));
    assert.equal(v.panels.length, 2, 'three residuals are not worth a figure');
    assert.deepEqual(v.badges.map((b) => b.text), ['tr(H) = 10 ± 0.5', 'λmax = 5', 'λmin = -0.1']);
  } finally { await f.done(); }
});

test('mining: per-seed histories (history.jsonl) as one trace each, held-out curves overlaid, seeds as progress', async () => {
  const f = await fixtures();
  try {
    const v = f.views.get(f.ids['mine']!)!;
    assert.deepEqual(v.progress, { done: 2, total: 2 });
    assert.deepEqual(v.badges.map((b) => b.text), ['success 50%']);
    const hist = v.panels.find((p) => p.title.includes('history.jsonl'))!;
    const objective = hist.views.find((x) => x.label === 'objective')!;
    assert.deepEqual(objective.figure.data.map((t) => t['name']), ['seed-0', 'seed-1']);
    assert.deepEqual(objective.figure.data[1]!['y'], Array.from({ length: 12 }, (_, s) => mineObjective(1, s)));
    const curves = v.panels.find((p) => p.title.includes('heldout curves'))!;
    assert.deepEqual(curves.views[0]!.figure.data.map((t) => t['name']), ['seed-0 · w-peak', 'seed-1 · v-basin']);
    const perSeed = v.panels.find((p) => p.title.includes('seeds'))!;
    assert.deepEqual(trace(perSeed, 'finalObjective')['x'], [0, 1], 'x is the seed');
    assert.ok(v.scalars.some(([k, val]) => k === 'successRate' && val === '0.5'));
  } finally { await f.done(); }
});

test('training directory: loss/accuracy/lr per epoch; overview overlays finished curves only', async () => {
  const f = await fixtures();
  try {
    const t = f.views.get(f.ids['train']!)!;
    assert.equal(t.kind, 'train');
    assert.deepEqual(trace(t.panels[0]!, 'loss', 'test')['y'], [1, 2, 3].map((e) => 1.2 / e));
    assert.deepEqual(t.badges.map((b) => b.text), ['test acc 97.0%']);
    const runs = await loadAll(await collectRuns([f.root]));
    const ov = overviewPanels(runs);
    const names = ov[0]!.views.find((x) => x.label === 'loss')!.figure.data.map((d) => d['name']);
    assert.deepEqual(names, ['curves/bowl · v-basin', 'curves/slope · monotone', 'explain/gauss · v-basin']);
    assert.ok(ov.some((p) => p.kind === 'gl3d'), 'the finished surface is in the overview; the running one is not');
    assert.equal(ov.filter((p) => p.kind === 'gl3d').length, 1);
  } finally { await f.done(); }
});

test('unreadable files become warnings, not failures', async () => {
  const f = await fixtures();
  try {
    const dir = join(f.root, f.ids['bowl']!);
    await writeFile(join(dir, 'result.json'), '{"kind": "curve", "lambdas": [');
    await writeFile(join(dir, 'notes.json'), 'not json');
    const v = runView(await loadRun({ id: 'b', dir, marker: 'run.json' }));
    assert.equal(v.panels.length, 0);
    assert.equal(v.warnings.length, 2);
    assert.match(v.warnings.join('\n'), /result\.json: not valid JSON/);
    assert.equal(v.badges.at(-1)!.tone, 'warn');
  } finally { await f.done(); }
});

test('shortSpec keeps the kind, seed and path tail', () => {
  assert.equal(shortSpec('gaussian:norm=filter:seed=100:bias-bn=zero:scale=1'), 'gaussian seed=100');
  assert.equal(shortSpec('pca:/a/b/train:k=2:norm=none'), 'pca b/train k=2');
});

test('non-finite values written as "NaN"/"Infinity" tokens are drawn as gaps, in results and in running logs', async () => {
  const root = await mkdtemp(join(tmpdir(), 'terrain-web-nan-'));
  try {
    const L = [-1, -0.5, 0, 0.5, 1];
    const run = (kind: string) => JSON.stringify({ kind, identity: { grid: ['-1:1:5'] }, info: {} });
    await writeFile(join(root, 'run.json'), run('curve'));
    await writeFile(join(root, 'result.json'), JSON.stringify({ kind: 'curve', lambdas: L, loss: [2, 'Infinity', 0.5, 'NaN', 2], accuracy: [0.5, 0.5, 0.9, 0.5, 0.5], type: 'unclassified' }));
    const v = runView(await loadRun({ id: 'c', dir: root, marker: 'run.json' }));
    assert.equal(v.panels.length, 1, 'still a curve');
    assert.deepEqual(JSON.parse(JSON.stringify(trace(v.panels[0]!, 'loss')['y'])), [2, null, 0.5, null, 2]);
    await rm(join(root, 'result.json'));
    await writeFile(join(root, 'points.jsonl'), ['{"index":0,"loss":"NaN","accuracy":0.1}', '{"index":2,"loss":0.5,"accuracy":0.9}'].join('\n') + '\n');
    const running = runView(await loadRun({ id: 'c', dir: root, marker: 'run.json' }));
    assert.deepEqual(trace(running.panels[0]!, 'loss')['y'], [null, null, 0.5, null, null]);
    assert.deepEqual(running.progress, { done: 2, total: 5 });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
