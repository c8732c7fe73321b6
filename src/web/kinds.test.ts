// connect, plane, layers and sharpness runs in the viewer and report: each is found from its files and drawn with
// exactly the numbers written (barriers recomputed here from the losses, markers at the plane coordinates, the
// block and model tables cell by cell).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportRun } from './exports/index.js';
import { planeInfo, planeMarkers, planePanel } from './figures/plane.js';
import { sharpnessPanels } from './figures/sharpness.js';
import { buildReportData, collectRuns, loadAll } from './report.js';
import { CONNECT_T, curveLossT, LAYER_BLOCKS, LAYERS_LAMBDAS, lineLoss, PLANE_MODELS, SHARP_MODELS, SKIPPED_BLOCK, writeKindRuns } from '../testing/web-kinds.js';
import type { Panel, RunView } from './types.js';
import { runView } from './view.js';

async function views(): Promise<{ root: string; get: (id: string) => RunView; done: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'terrain-web-kinds-'));
  await writeKindRuns(root);
  const all = new Map((await loadAll(await collectRuns([root]))).map((r) => [r.found.id, runView(r)]));
  return { root, get: (id) => all.get(id)!, done: () => rm(root, { recursive: true, force: true }) };
}

const view = (p: Panel, label: string): Record<string, unknown>[] => {
  const v = p.views.find((x) => x.label === label);
  assert.ok(v, `panel ${p.id} has no view '${label}' (has ${p.views.map((x) => x.label).join(', ')})`);
  return v.figure.data;
};
const named = (data: Record<string, unknown>[], name: string): Record<string, unknown> => {
  const t = data.find((d) => d['name'] === name);
  assert.ok(t, `no trace '${name}' (has ${data.map((d) => d['name']).join(', ')})`);
  return t;
};
/** A table view's rows (Plotly stores columns). */
const rows = (p: Panel, label: string): string[][] => {
  const cols = (view(p, label)[0]!['cells'] as { values: string[][] }).values;
  return cols[0]!.map((_, i) => cols.map((c) => c[i]!));
};

test('connect: the four paths on one figure, each barrier drawn from the end points to the maximum and stated', async () => {
  const f = await views();
  try {
    const v = f.get('connect');
    assert.equal(v.kind, 'connect');
    const p = v.panels[0]!;
    assert.equal(p.id, 'connect:connect');
    const loss = view(p, 'loss');
    for (const [split, k] of [['train', 0], ['test', 1]] as const) {
      const line = CONNECT_T.map((t) => lineLoss(t, k)), curve = CONNECT_T.map((t) => curveLossT(t, k));
      assert.deepEqual(named(loss, `line · ${split}`)['y'], line);
      assert.deepEqual(named(loss, `bezier · ${split}`)['y'], curve);
      assert.equal((named(loss, `line · ${split}`)['line'] as { dash: string }).dash, 'dash');
      // Barrier = max_t L − max(L(0), L(1)); the sine bump peaks at t = 0.5 with heights 0.5 (line) and 0.05 (curve).
      const b = named(loss, `barrier · line · ${split}`);
      assert.deepEqual(b['x'], [0.5, 0.5]);
      assert.ok(Math.abs((b['y'] as number[])[0]! - Math.max(line[0]!, line.at(-1)!)) < 1e-12 && Math.abs((b['y'] as number[])[1]! - Math.max(...line)) < 1e-12);
      assert.ok(Math.abs((b['y'] as number[])[1]! - (b['y'] as number[])[0]! - 0.5) < 1e-12);
    }
    assert.match(p.note!, /train: line 0\.5 at t=0\.5 → bezier 0\.05 at t=0\.5 \(90\.0 % lower\); test: line 0\.5 at t=0\.5 → bezier 0\.05 at t=0\.5 \(90\.0 % lower\)/);
    assert.deepEqual(named(view(p, 'accuracy'), 'bezier · train')['y'], CONNECT_T.map((t) => 1 - curveLossT(t, 0) / 2));
    const table = rows(p, 'barriers');
    assert.deepEqual(table.map((r) => [r[0], r[1], r[2], r[3], r[6]]), [['train', 'bezier · train', '0.05', '0.5', '90.0 %'], ['train', 'line · train', '0.5', '0.5', ''], ['test', 'bezier · test', '0.05', '0.5', '90.0 %'], ['test', 'line · test', '0.5', '0.5', '']]);
    // The paths are not drawn a second time by the generic detection; the training history still is.
    assert.deepEqual(v.panels.map((x) => x.id), ['connect:connect', 'connect:history:history']);
    assert.ok(v.scalars.some(([k, val]) => k === 'barrierReduction.train' && val === '0.9'));
  } finally { await f.done(); }
});

test('plane: the contour with A, B, C at their plane coordinates, the bend sharing C, the curve dashed through A and B', async () => {
  const f = await views();
  try {
    const v = f.get('plane');
    const p = v.panels[0]!;
    assert.equal(p.id, 'plane:plane');
    for (const label of ['loss', 'accuracy']) {
      const data = view(p, label);
      assert.equal(data[0]!['type'], 'contour');
      const m = named(data, 'models');
      assert.deepEqual([m['x'], m['y'], m['text']], [PLANE_MODELS.map((x) => x.x), PLANE_MODELS.map((x) => x.y), ['A', 'B', 'C = bend 1']]);
      assert.equal(data.find((d) => d['name'] === 'bends (projected)'), undefined);
      const c = named(data, 'trained curve (projected)');
      const xs = c['x'] as number[], ys = c['y'] as number[];
      assert.equal(xs.length, 61);
      assert.deepEqual([xs[0], ys[0], xs.at(-1), ys.at(-1)], [0, 0, 8, 0]);
    }
    assert.match(p.note!, /A \(0, 0\), B \(8, 0\), C = bend 1 \(4, 3\)/);
    assert.doesNotMatch(p.note!, /off the plane/);
    // The generic contour gives way to this one; the 3-D view stays; plane.json gets no generic panels.
    assert.deepEqual(v.panels.map((x) => x.id), ['plane:plane', 'plane:.:surface3d']);
    const scene = v.panels[1]!.views[0]!.figure.layout['scene'] as Record<string, { title: { text: string } }>;
    assert.deepEqual([scene['xaxis']!.title.text, scene['yaxis']!.title.text], ['x: along B − A (parameter distance)', 'y: towards C, ⊥ to x']);
  } finally { await f.done(); }
});

test('plane markers: a bend off the three models gets its own marker; an unknown file is not a plane', () => {
  const info = planeInfo({ kind: 'plane', models: PLANE_MODELS, curve: { bends: [{ label: 'bend 1', x: 4, y: 2.5, offPlane: 0.3 }], path: [] } })!;
  const m = planeMarkers(info);
  assert.deepEqual(m.models.map((x) => x.label), ['A', 'B', 'C']);
  assert.deepEqual(m.bends, [{ label: 'bend 1', x: 4, y: 2.5, offPlane: 0.3 }]);
  const panel = planePanel({ x: [-1, 9], y: [-1, 4], loss: [[1, 1], [1, 1]] }, info, { id: 'p', title: 'p' });
  const bends = panel.views[0]!.figure.data.find((d) => d['name'] === 'bends (projected)')!;
  assert.deepEqual([bends['x'], bends['y'], bends['text']], [[4], [2.5], ['bend 1']]);
  assert.match(panel.note!, /bend 1 0\.3 off the plane/);
  assert.equal(planeInfo({ kind: 'plane', models: PLANE_MODELS.slice(0, 2) }), undefined);
  assert.equal(planeInfo({ kind: 'surface', models: PLANE_MODELS }), undefined);
});

test('layers: one panel of per-block curves (legend by block) and the table of block curvature and λ_max', async () => {
  const f = await views();
  try {
    const v = f.get('layers');
    const [curves, table] = v.panels;
    assert.equal(v.panels.length, 2);
    const data = view(curves!, 'loss');
    assert.deepEqual(data.map((d) => d['name']), LAYER_BLOCKS.map((b) => `${b.block} — v-basin`));
    LAYER_BLOCKS.forEach((b, k) => assert.deepEqual(data[k]!['y'], LAYERS_LAMBDAS.map((x) => 0.35 + b.curvature * x * x)));
    const cells = rows(table!, 'table');
    assert.deepEqual(cells.slice(0, 3).map((r) => [r[0], r[1], r[2], r[3]]), LAYER_BLOCKS.map((b) => [b.block, String(b.parameters), String(b.curvature), `${b.lambdaMax} ± ${b.residual}`]));
    // A skipped block has no curve; its row says why.
    assert.deepEqual(cells[3], [SKIPPED_BLOCK.block, '16', '–', '–', `skipped: ${SKIPPED_BLOCK.skipped}`]);
    // The sharpest block is the largest λ_max among the blocks, never the whole model's row.
    assert.match(table!.note!, /sharpest block by λ_max: fc \(5\)/);
    assert.deepEqual(view(table!, 'λ_max')[0]!['x'], ['layers', 'fc']);
  } finally { await f.done(); }
});

test('sharpness: the table with errors, one error-bar view per measure, the orderings and whether they agree', async () => {
  const f = await views();
  try {
    const v = f.get('sharpness');
    const [table, measures] = v.panels;
    assert.equal(v.panels.length, 2);
    const r = rows(table!, 'table');
    assert.deepEqual(r.map((x) => x[0]), SHARP_MODELS.map((m) => m.name));
    assert.deepEqual(r[0]!.slice(2, 7), ['0.0371 ± 2e-7', '1.570e-5 ± 7e-7', '8.600e-5', '0.028 ± 0.005', '1.38 ± 0.03']);
    assert.equal(r[1]![6], '≥ 0.47 ± 0.01'); // one censored basin edge
    const err = (label: string): number[] => ((view(measures!, label)[0]!['error_y'] as { array: number[] }).array);
    assert.deepEqual(view(measures!, 'λ_max')[0]!['y'], SHARP_MODELS.map((m) => m.lambdaMax));
    assert.deepEqual(err('λ_max'), SHARP_MODELS.map((m) => m.residual));
    assert.deepEqual(err('tr(H)/P'), SHARP_MODELS.map((m) => m.traceSe));
    assert.deepEqual(err('loss increase at r=0.5'), SHARP_MODELS.map((m) => m.incSe));
    assert.deepEqual(err('basin width'), SHARP_MODELS.map((m) => m.widthSe));
    assert.equal(view(measures!, 'ε-sharpness')[0]!['error_y'], undefined);
    assert.deepEqual(rows(table!, 'orderings')[2], ['ε-sharpness', 'large/final < small/final']);
    assert.match(table!.note!, /do not all agree/);
    assert.doesNotMatch(table!.note!, /parameters matching/);
    const subset = JSON.parse(await readFile(join(f.root, 'sharpness', 'result.json'), 'utf8')) as Record<string, unknown>;
    assert.match(sharpnessPanels({ ...subset, params: '^fc\\.' }, { id: 's', title: 's' })!.panels[0]!.note!, /parameters matching \/\^fc\\\.\/ only/);
  } finally { await f.done(); }
});

test('connect CSV download: one row per (split, path, t) with the written numbers', async () => {
  const root = await mkdtemp(join(tmpdir(), 'terrain-web-kinds-'));
  try {
    await writeKindRuns(root);
    const [run] = await loadAll(await collectRuns([join(root, 'connect')]));
    const lines = (await exportRun(run!, 'csv', 'c')).body.toString().trim().split('\n');
    assert.equal(lines[0], 'split,path,label,t,loss,accuracy,lossStderr');
    assert.equal(lines.length, 1 + 4 * CONNECT_T.length);
    const row = lines.find((l) => l.startsWith('test,line,line · test,0.5,'))!.split(',');
    assert.equal(Number(row[4]), lineLoss(0.5, 1));
  } finally { await rm(root, { recursive: true, force: true }); }
});

test('report: the new kinds are embedded with their own panels', async () => {
  const root = await mkdtemp(join(tmpdir(), 'terrain-web-kinds-'));
  try {
    await writeKindRuns(root);
    const data = await buildReportData([root]);
    const ids = data.runs.flatMap((r) => r.panels.map((p) => p.id));
    for (const id of ['connect:connect', 'plane:plane', 'layers:layers:table', 'sharpness:sharpness:measures']) assert.ok(ids.includes(id), id);
  } finally { await rm(root, { recursive: true, force: true }); }
});
