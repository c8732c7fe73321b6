// LL files built here with h5wasm as loss-landscape writes them (float32 direction datasets "0", "1", … per group,
// int64 0-D num_batches_tracked in states target lists, float64 coordinates, values allocated (nx, ny) and filled x
// fastest, -1 for points not computed, accuracy in percent, dir_file as a string), then imported and exported back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { buildModel } from '../../ir/zoo/index.js';
import type { LoadedModel } from '../model-file.js';
import { ParamLayout, paramsOf } from '../params.js';
import { createRng } from '../rng.js';
import { loadDirection } from '../directions/io.js';
import { exportLlDirections, importLl, mapLlDirection, readLlDirections, type LlTensor } from './index.js';
import { messageWith } from '../../ir/errors.js';
import { asFlag } from '../../cli/errors.js';

const model = buildModel({ arch: 'cnn-small', options: { channels: [2, 3] }, inputShape: [1, 8, 8], classes: 3 }, 1);
const theta = paramsOf(model);
const buffers = new Map(model.buffers.map((n) => [n, model.graph.initializers.get(n)!]));
const loaded: LoadedModel = { model, theta, buffers, hash: 'test', path: 'cnn-small', meta: {} };
const rng = createRng(4);
const rand = (shape: number[]): LlTensor => ({ shape, data: Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => Math.fround(rng.normal())), dtype: '<f' });
/** LL's weights list: model.parameters() order. */
const weightsList = (): LlTensor[] => theta.layout.slots.map((s) => rand(s.shape));
/** LL's states list: state_dict order, each BN's num_batches_tracked a 0-D int64 (a target direction's dtype). */
function statesList(): { list: LlTensor[]; names: string[] } {
  const list: LlTensor[] = [], names: string[] = [];
  for (const s of theta.layout.slots) {
    list.push(rand(s.shape)); names.push(s.name);
    if (s.name.startsWith('bn') && s.name.endsWith('.bias')) {
      const bn = s.name.slice(0, -'.bias'.length);
      for (const b of ['running_mean', 'running_var']) { list.push(rand(s.shape)); names.push(`${bn}.${b}`); }
      list.push({ shape: [], data: Float64Array.of(7), dtype: '<q' }); names.push(`${bn}.num_batches_tracked`);
    }
  }
  return { list, names };
}

async function writeLl(dir: string, lists: { x: LlTensor[]; y?: LlTensor[] }, coords: { x: number[]; y?: number[] }, f: (x: number, y: number) => number): Promise<{ surf: string; dirs: string }> {
  await h5wasm.ready;
  const dirs = join(dir, 'dir.h5'), surf = join(dir, 'surf.h5');
  const d = new h5wasm.File(dirs, 'w');
  for (const [g, list] of [['xdirection', lists.x], ['ydirection', lists.y]] as const) {
    if (!list) continue;
    const grp = d.create_group(g);
    list.forEach((t, i) => grp.create_dataset(t.dtype === '<q'
      ? { name: String(i), data: BigInt64Array.from(t.data, (v) => BigInt(v)), shape: t.shape, dtype: '<q' }
      : { name: String(i), data: Float32Array.from(t.data), shape: t.shape, dtype: '<f' }));
  }
  d.close();
  const s = new h5wasm.File(surf, 'w');
  s.create_dataset({ name: 'dir_file', data: dirs });
  s.create_dataset({ name: 'xcoordinates', data: Float64Array.from(coords.x) });
  const ys = coords.y ?? [0];
  if (coords.y) s.create_dataset({ name: 'ycoordinates', data: Float64Array.from(coords.y) });
  // LL: losses = -np.ones((nx, ny)); losses.ravel()[k] = value at meshgrid(x, y) point k (x fastest); last left at -1
  const n = coords.x.length * ys.length;
  const loss = Float64Array.from({ length: n }, (_, k) => (k === n - 1 ? -1 : f(coords.x[k % coords.x.length]!, ys[Math.floor(k / coords.x.length)]!)));
  const acc = Float64Array.from(loss, (v) => (v === -1 ? -1 : 100 * (0.5 + 0.1 * v)));
  const shape = coords.y ? [coords.x.length, coords.y.length] : [coords.x.length];
  s.create_dataset({ name: 'train_loss', data: loss, shape, dtype: '<d' });
  s.create_dataset({ name: 'train_acc', data: acc, shape, dtype: '<d' });
  s.close();
  return { surf, dirs };
}

async function inTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'terrain-ll-'));
  try { await fn(dir); } finally { await rm(dir, { recursive: true, force: true }); }
}

test('a 2-D weights surface: x-fastest values, -1 → null, percent → fraction, directions by parameter order', async () => {
  await inTemp(async (dir) => {
    const X = [-1, -0.5, 0, 0.5], Y = [-0.2, 0.2, 0.6];
    const f = (x: number, y: number): number => 4 + x + 10 * y; // never LL's placeholder -1
    const lists = { x: weightsList(), y: weightsList() };
    const files = await writeLl(dir, lists, { x: X, y: Y }, f);
    const out = join(dir, 'run');
    const s = await importLl({ surface: files.surf, directions: files.dirs, model: loaded, out });
    assert.deepEqual([s.kind, s.dirType, s.split, s.points, s.uncomputed], ['surface', 'weights', 'train', 12, 1]);
    const r = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as { loss: (number | null)[][]; accuracy: (number | null)[][]; bn: string; directions: string[] };
    for (let j = 0; j < Y.length; j++) for (let i = 0; i < X.length; i++) {
      if (i === 3 && j === 2) { assert.equal(r.loss[j]![i], null); assert.equal(r.accuracy[j]![i], null); continue; }
      assert.equal(r.loss[j]![i], f(X[i]!, Y[j]!), `loss at (${X[i]}, ${Y[j]})`);
      assert.ok(Math.abs(r.accuracy[j]![i]! - (0.5 + 0.1 * f(X[i]!, Y[j]!))) < 1e-12, 'accuracy as a fraction');
    }
    assert.equal(r.bn, 'eval');
    const x = loadDirection(join(out, 'direction-x.safetensors'), theta.layout).vector;
    theta.layout.slots.forEach((slot, k) => assert.deepEqual(Array.from(x.data.subarray(slot.offset, slot.offset + slot.size)), Array.from(lists.x[k]!.data), slot.name));
    const runJson = JSON.parse(await readFile(join(out, 'run.json'), 'utf8')) as { identity: { grid: string[]; imported: { dirType: string } } };
    assert.deepEqual(runJson.identity.grid, ['-1:0.5:4', '-0.2:0.6:3']);

    // export → LL layout → the same lists
    const back = join(dir, 'back.h5');
    await exportLlDirections(out, back);
    const read = await readLlDirections(back);
    assert.deepEqual(read.x.map((t) => [t.shape, Array.from(t.data)]), lists.x.map((t) => [t.shape, Array.from(t.data)]));
    assert.deepEqual(read.y!.map((t) => Array.from(t.data)), lists.y.map((t) => Array.from(t.data)));
  });
});

test('a 1-D states curve: state_dict order, num_batches_tracked skipped on import and written back as 0-D zeros', async () => {
  await inTemp(async (dir) => {
    const { list, names } = statesList();
    const files = await writeLl(dir, { x: list }, { x: [-1, -0.5, 0, 0.5, 1, 1.5] }, (x) => (x - 0.1) ** 2);
    const out = join(dir, 'run');
    const s = await importLl({ surface: files.surf, directions: files.dirs, model: loaded, out });
    assert.deepEqual([s.kind, s.dirType, s.skipped], ['curve', 'states', [names.flatMap((n, i) => (n.endsWith('num_batches_tracked') ? [i] : []))]]);
    const r = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as { type: string; bn: string; direction: string };
    assert.equal(r.bn, 'perturb');
    assert.match(r.direction, /^file:.*direction\.safetensors:norm=none:bias-bn=keep:scale=1:type=states$/);
    assert.equal(r.type, 'unclassified', 'the last point is missing');
    const d = loadDirection(join(out, 'direction.safetensors'), theta.layout);
    names.forEach((n, i) => {
      if (n.endsWith('num_batches_tracked')) return;
      const got = d.buffers!.get(n)?.data ?? d.vector.data.subarray(theta.layout.slot(n).offset, theta.layout.slot(n).offset + theta.layout.slot(n).size);
      assert.deepEqual(Array.from(got as Float32Array), Array.from(list[i]!.data), n);
    });
    const back = join(dir, 'back.h5');
    await exportLlDirections(out, back);
    const read = await readLlDirections(back);
    assert.deepEqual(read.x.map((t) => t.shape), list.map((t) => t.shape));
    read.x.forEach((t, i) => assert.deepEqual(Array.from(t.data), names[i]!.endsWith('num_batches_tracked') ? [0] : Array.from(list[i]!.data), names[i]));
  });
});

test('mapping errors name the first mismatch; --dir-type forces the order', () => {
  const list = weightsList();
  const swapped = [list[1]!, list[0]!, ...list.slice(2)];
  assert.throws(() => mapLlDirection(swapped, theta.layout, buffers, 'auto', 'd.h5 xdirection'),
    /d\.h5 xdirection\/0 has shape \(2,\), the model's parameter 0 'conv1\.weight' is \[2,1,3,3\]; read as model\.parameters\(\) order/);
  assert.throws(() => mapLlDirection(list.slice(0, -1), theta.layout, buffers, 'weights', 'd.h5 xdirection'), /has \d+ tensors, the model has \d+ parameters \(first without a tensor: \d+ 'fc\.bias'/);
  const { list: states } = statesList();
  assert.throws(() => mapLlDirection(states, theta.layout, buffers, 'weights', 'x'), /x\/\d+ has shape/);
  assert.equal(mapLlDirection(states, theta.layout, buffers, 'auto', 'x').dirType, 'states');
  const short = states.slice(0, -3);
  assert.throws(() => mapLlDirection(short, theta.layout, buffers, 'states', 'x'), /ends after \d+ tensors; the model's state_dict entry \d+ '.*' has none/);
  const other = new ParamLayout([{ name: 'w', shape: [3, 3] }]);
  assert.throws(() => mapLlDirection([rand([3, 3]), rand([3])], other, new Map(), 'auto', 'x'), /beyond the model's 1 state_dict entries/);
});

test('file problems are named: a 2-D surface without ydirection, a file that is not LL\'s', async () => {
  await inTemp(async (dir) => {
    const files = await writeLl(dir, { x: weightsList() }, { x: [0, 1], y: [0, 1] }, (x, y) => x + y);
    await assert.rejects(importLl({ surface: files.surf, directions: files.dirs, model: loaded, out: join(dir, 'run') }), /no group 'ydirection', but .* is a 2-D surface/);
    await assert.rejects(importLl({ surface: files.dirs, directions: files.dirs, model: loaded, out: join(dir, 'run') }), /no dataset 'xcoordinates'/);
    await assert.rejects(importLl({ surface: files.surf, directions: files.surf, model: loaded, out: join(dir, 'run') }), /no group 'xdirection'/);
    await assert.rejects(importLl({ surface: files.surf, directions: files.dirs, model: loaded, out: join(dir, 'run'), split: 'test' }), (e: Error) => /no 'test_loss' dataset .* pick that split$/.test(e.message) && /pick that --split$/.test(messageWith(e, asFlag)));
  });
});
