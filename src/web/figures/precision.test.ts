// Error bars (--tolerance) and measured/interpolated marks (--refine) in the viewer's figures, on small synthetic results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { panelsFromJson } from './detect.js';

type Trace = Record<string, unknown> & { x: (number | null)[]; y: (number | null)[]; z?: (number | null)[][] };
const L = [-1, -0.5, 0, 0.5, 1];

test('a --tolerance curve draws ±1 s.e. error bars on loss and accuracy, and a samples view', () => {
  const se = [0.1, 0.05, 0.02, 0.05, 0.2];
  const panels = panelsFromJson({
    kind: 'curve', lambdas: L, loss: L.map((l) => 1 + l * l), accuracy: L.map(() => 0.8), lossStderr: L.map(() => 0.3),
    samples: [256, 512, 1437, 512, 256], lossSampleStderr: se, accuracyStderr: [0.02, 0.01, 0, 0.01, 0.02], type: 'v-basin',
  }, { id: 'c', title: 'c' });
  assert.equal(panels.length, 1, 'the precision fields are part of the curve, not panels of their own');
  const views = new Map(panels[0]!.views.map((v) => [v.label, v.figure.data as Trace[]]));
  assert.deepEqual([...views.keys()], ['loss', 'accuracy', 'samples']);
  const loss = views.get('loss')!;
  assert.equal(loss.length, 1, 'error bars replace the per-batch band');
  assert.deepEqual((loss[0]!['error_y'] as { array: number[] }).array, se);
  assert.match(String(loss[0]!['name']), /± 1 s\.e\./);
  assert.deepEqual((views.get('accuracy')![0]!['error_y'] as { array: number[] }).array, [0.02, 0.01, 0, 0.01, 0.02]);
  assert.deepEqual(views.get('samples')![0]!.y, [256, 512, 1437, 512, 256]);
});

test('a plain curve keeps its per-batch band and no error bars', () => {
  const [p] = panelsFromJson({ kind: 'curve', lambdas: L, loss: L.map((l) => l * l), lossStderr: L.map(() => 0.1) }, { id: 'c', title: 'c' });
  const loss = p!.views[0]!.figure.data as Trace[];
  assert.equal(loss.length, 3);
  assert.ok(loss.every((t) => !('error_y' in t)));
});

test('a --refine curve marks measured points filled and interpolated ones hollow with their bound', () => {
  const measured = [true, false, true, false, true];
  const [p] = panelsFromJson({ kind: 'curve', lambdas: L, loss: L.map((l) => l * l), measured, interpolationBound: [0, 0.03, 0, 0.04, 0] }, { id: 'c', title: 'c' });
  const traces = p!.views[0]!.figure.data as Trace[];
  const on = traces.find((t) => String(t['name']).startsWith('measured'))!;
  const off = traces.find((t) => String(t['name']).startsWith('interpolated'))!;
  assert.deepEqual(on.x, [-1, 0, 1]);
  assert.deepEqual(off.x, [-0.5, 0.5]);
  assert.deepEqual(off.y, [0.25, 0.25]);
  assert.equal((off['marker'] as { symbol: string }).symbol, 'circle-open');
  assert.deepEqual((off['error_y'] as { array: number[] }).array, [0.03, 0.04]);
  assert.equal(p!.views[0]!.figure.layout['showlegend'], true);
});

test('a --tolerance surface gets maps of samples used, achieved error and error / target', () => {
  const x = [0, 1, 2], y = [0, 1];
  const se = [[0.01, 0.02, 0.03], [0.04, 0.05, 0.06]];
  const panels = panelsFromJson({
    kind: 'surface', x, y, loss: [[1, 2, 3], [4, 5, 6]], accuracy: [[1, 1, 1], [1, 1, 1]], samples: [[256, 512, 768], [1024, 1280, 1437]],
    lossSampleStderr: se, adaptive: { target: 0.04 },
  }, { id: 's', title: 's' });
  const precision = panels.find((p) => p.id.endsWith(':precision'))!;
  const views = new Map(precision.views.map((v) => [v.label, (v.figure.data as Trace[])[0]!]));
  assert.deepEqual([...views.keys()], ['samples used', 'achieved error', 'error / target']);
  assert.deepEqual(views.get('samples used')!.z, [[256, 512, 768], [1024, 1280, 1437]]);
  assert.deepEqual(views.get('achieved error')!.z, se);
  assert.deepEqual(views.get('error / target')!.z, se.map((row) => row.map((v) => v / 0.04)));
});

test('a --refine surface greys interpolated cells on the contours and marks measured nodes, with a legend', () => {
  const x = [0, 1, 2], y = [0, 1];
  const measured = [[true, false, true], [true, true, false]];
  const panels = panelsFromJson({ kind: 'surface', x, y, loss: [[1, 2, 3], [4, 5, 6]], measured, interpolationBound: [[0, 0.1, 0], [0, 0, 0.2]] }, { id: 's', title: 's' });
  const contour = panels.find((p) => p.id.endsWith(':contour'))!;
  const data = contour.views[0]!.figure.data as Trace[];
  // Interpolated cells: (1, 0) and (2, 1), each a rectangle between the midpoints to its neighbours, cut at the grid's edge.
  const grey = data.find((t) => String(t['name']).startsWith('interpolated'))!;
  assert.equal(grey['fill'], 'toself');
  assert.equal(grey['name'], 'interpolated (2 points, hatched)');
  assert.deepEqual(grey.x, [0.5, 1.5, 1.5, 0.5, 0.5, null, 1.5, 2, 2, 1.5, 1.5, null]);
  assert.deepEqual(grey.y, [0, 0, 0.5, 0.5, 0, null, 0.5, 0.5, 1, 1, 0.5, null]);
  const nodes = data.find((t) => String(t['name']).startsWith('measured'))!;
  assert.deepEqual(nodes.x, [0, 2, 0, 1]);
  assert.deepEqual(nodes.y, [0, 0, 1, 1]);
  assert.equal(contour.views[0]!.figure.layout['showlegend'], true);
  const bound = panels.find((p) => p.id.endsWith(':precision'))!;
  assert.deepEqual((bound.views[0]!.figure.data as Trace[])[0]!.z, [[0, 0.1, 0], [0, 0, 0.2]]);
});
