import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { classCounts, type Dataset } from './dataset.js';
import { DataError } from './errors.js';
import { cifarBytes, npyBytes, tempDir } from '../../testing/data-fixtures.js';
import { resolveData } from './resolve.js';
import { messageWith } from '../../ir/errors.js';
import { asFlag } from '../../cli/errors.js';

/** Mean and population std of channel c, in float64, straight from the definition. */
function moments(ds: Dataset, c: number, channels: number): { mean: number; std: number } {
  const plane = ds.x.length / ds.count / channels;
  let s = 0, s2 = 0, n = 0;
  for (let i = 0; i < ds.count; i++) {
    for (let k = 0; k < plane; k++) { const v = ds.x[(i * channels + c) * plane + k]!; s += v; s2 += v * v; n++; }
  }
  const mean = s / n;
  return { mean, std: Math.sqrt(s2 / n - mean * mean) };
}

test('digits: train standardised to mean 0, std 1; test uses the training statistics', () => {
  const d = resolveData('digits');
  const train = moments(d.train, 0, 1), test = moments(d.test, 0, 1);
  assert.ok(Math.abs(train.mean) < 1e-6 && Math.abs(train.std - 1) < 1e-6, JSON.stringify(train));
  assert.ok(Math.abs(test.mean) > 1e-4, 'test is not standardised with its own statistics');
  assert.deepEqual(d.test.standardisation, d.train.standardisation);
  const raw = resolveData('digits', { normalize: 'none' }).train;
  const rawMoments = moments(raw, 0, 1);
  assert.ok(Math.abs(d.train.standardisation!.mean[0]! - rawMoments.mean) < 1e-9);
  assert.ok(Math.abs(d.train.standardisation!.std[0]! - rawMoments.std) < 1e-9);
  assert.equal(d.selected, d.train);
  assert.equal(resolveData('digits', { split: 'test' }).selected.count, 360);
  const all = resolveData('digits', { split: 'all' }).selected;
  assert.equal(all.count, 1797);
  assert.equal(all.split, 'all');
});

test('samples: seeded stratified subsets; the hash follows content and subset', () => {
  const a = resolveData('digits', { samples: 100, seed: 1 }).selected;
  assert.equal(a.count, 100);
  classCounts(a.y, 10).forEach((c) => assert.ok(c === 10 || c === 9 || c === 11, `class count ${c}`));
  const again = resolveData('digits', { samples: 100, seed: 1 }).selected;
  assert.equal(again.hash, a.hash);
  assert.deepEqual(again.y, a.y);
  assert.notEqual(resolveData('digits', { samples: 100, seed: 2 }).selected.hash, a.hash);
  assert.notEqual(resolveData('digits', { samples: 101, seed: 1 }).selected.hash, a.hash);
  const full = resolveData('digits');
  assert.equal(resolveData('digits', { samples: 1437 }).selected.hash, full.train.hash);
  assert.notEqual(resolveData('digits', { normalize: 'none' }).train.hash, full.train.hash);
  assert.equal(full.test.hash, resolveData('digits', { split: 'test', samples: 10 }).test.hash, 'subsets leave the splits alone');
  assert.throws(() => resolveData('digits', { split: 'test', samples: 400 }), (e: unknown) => e instanceof DataError && /asked for 400 samples but the test split holds 360 \(use samples 360 or fewer/.test(e.message) && /\(use --samples 360 or fewer/.test(messageWith(e, asFlag)));
  assert.throws(() => resolveData('digits', { samples: 0 }), DataError);
  assert.throws(() => resolveData('digits', { split: 'valid' as 'train' }), DataError);
});

test('npy: one set for every split, used as given by default, standardised once on request, marked as having no split', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  writeFileSync(join(dir, 'x.npy'), npyBytes('<f4', [4, 2], [1, 2, 3, 4, 5, 6, 7, 8]));
  writeFileSync(join(dir, 'y.npy'), npyBytes('<i8', [4], [0, 1, 0, 1]));
  const spec = `npy:${join(dir, 'x.npy')},${join(dir, 'y.npy')}`;
  const given = resolveData(spec, { split: 'all' });
  assert.deepEqual([...given.selected.x], [1, 2, 3, 4, 5, 6, 7, 8], 'npy values untouched by default');
  assert.equal(given.selected.standardisation, undefined);
  assert.equal(given.normalize, 'none');
  const r = resolveData(spec, { split: 'all', normalize: 'per-channel' });
  assert.equal(r.normalize, 'per-channel');
  assert.equal(r.train, r.test);
  assert.equal(r.selected, r.train);
  assert.equal(r.selected.count, 4);
  assert.match(r.selected.note ?? '', /no split/);
  assert.deepEqual(r.selected.standardisation?.mean, [4.5]);
  assert.equal(resolveData(spec, { split: 'test' }).selected.count, 4);
  assert.equal(r.source, spec);
});

test('cifar10 through a spec: three channels standardised separately', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const rec = (label: number, r: number, g: number, b: number) => ({ labels: [label], pixels: [...new Array(1024).fill(r), ...new Array(1024).fill(g), ...new Array(1024).fill(b)] });
  for (let i = 1; i <= 5; i++) writeFileSync(join(dir, `data_batch_${i}.bin`), cifarBytes([rec(i, 0, 100, 255), rec(0, 50, 100, 55)]));
  writeFileSync(join(dir, 'test_batch.bin'), cifarBytes([rec(3, 25, 100, 155)]));
  const r = resolveData(`cifar10:${dir}`);
  const s = r.train.standardisation!;
  assert.deepEqual(s.mean.map((m) => Math.round(m * 255)), [25, 100, 155]);
  assert.deepEqual(s.std.map((v) => Math.round(v * 255)), [25, 0, 100]);
  assert.ok(Math.abs(moments(r.train, 0, 3).std - 1) < 1e-6);
  assert.ok(r.test.x.every((v) => Math.abs(v) < 1e-6), "the test image equals the training means");
});
