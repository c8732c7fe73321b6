import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CIFAR10_CLASSES, CIFAR10_LAYOUT, loadCifar10, loadCifar100, parseCifarRecords } from './cifar.js';
import { DataError } from './errors.js';
import { cifarBytes, tempDir } from '../../testing/data-fixtures.js';

const isDataError = (pattern: RegExp) => (e: unknown) => e instanceof DataError && pattern.test(e.message);

/** Record pixels: channel c, row h, column w hold (seed + 7c + 3h + w) mod 256. */
const pixels = (seed: number) => Array.from({ length: 3072 }, (_, k) => {
  const c = Math.floor(k / 1024), h = Math.floor((k % 1024) / 32), w = k % 32;
  return (seed + 7 * c + 3 * h + w) % 256;
});
const at = (c: number, h: number, w: number) => c * 1024 + h * 32 + w;

test('CIFAR-10: six batch files in the official layout, red/green/blue planes kept as CHW', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const inner = join(dir, 'cifar-10-batches-bin');
  mkdirSync(inner);
  for (let b = 1; b <= 5; b++) {
    writeFileSync(join(inner, `data_batch_${b}.bin`), cifarBytes([0, 1].map((r) => ({ labels: [(2 * b + r) % 10], pixels: pixels(10 * b + r) }))));
  }
  writeFileSync(join(inner, 'test_batch.bin'), cifarBytes([{ labels: [9], pixels: pixels(99) }]));
  for (const root of [dir, inner]) {
    const s = loadCifar10(root);
    assert.equal(s.train.count, 10);
    assert.equal(s.test.count, 1);
    assert.deepEqual(s.train.shape, [3, 32, 32]);
    assert.deepEqual([...s.train.y], [2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    assert.deepEqual(s.train.classNames, CIFAR10_CLASSES);
    // sample 5 is batch 3 record 1 (seed 31): green (c=1), row 4, col 9 → 31 + 7 + 12 + 9 = 59
    assert.equal(s.train.x[5 * 3072 + at(1, 4, 9)], Math.fround(59 / 255));
    assert.equal(s.test.x[at(2, 31, 31)], Math.fround(((99 + 14 + 93 + 31) % 256) / 255));
    assert.equal(s.files.length, 6);
  }
});

test('CIFAR-100: fine labels by default, coarse on request, class names from the shipped files', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  writeFileSync(join(dir, 'train.bin'), cifarBytes([{ labels: [3, 77], pixels: pixels(1) }, { labels: [19, 99], pixels: pixels(2) }]));
  writeFileSync(join(dir, 'test.bin'), cifarBytes([{ labels: [0, 5], pixels: pixels(3) }]));
  writeFileSync(join(dir, 'coarse_label_names.txt'), Array.from({ length: 20 }, (_, i) => `coarse${i}`).join('\n') + '\n');
  const fine = loadCifar100(dir);
  assert.deepEqual([...fine.train.y], [77, 99]);
  assert.equal(fine.train.classes, 100);
  assert.equal(fine.train.classNames, undefined);
  assert.equal(fine.train.x[1 * 3072 + at(0, 0, 1)], Math.fround(3 / 255));
  const coarse = loadCifar100(dir, 'coarse');
  assert.deepEqual([...coarse.train.y], [3, 19]);
  assert.equal(coarse.test.classes, 20);
  assert.equal(coarse.train.classNames?.[19], 'coarse19');
  assert.equal(coarse.source, `cifar100:${dir}:coarse`);
});

test('CIFAR: truncated files, labels out of range and missing batches are DataErrors', (t) => {
  const good = cifarBytes([{ labels: [1], pixels: pixels(0) }, { labels: [2], pixels: pixels(1) }]);
  assert.throws(() => parseCifarRecords(good.subarray(0, 5000), CIFAR10_LAYOUT, 'cifar10: f', 'fix'), isDataError(/^cifar10: f is 5,000 bytes: 1 whole 3,073-byte records and 1,927 bytes over \(file truncated/));
  assert.throws(() => parseCifarRecords(new Uint8Array(0), CIFAR10_LAYOUT, 'cifar10: f', 'fix'), isDataError(/0 bytes/));
  const bad = cifarBytes([{ labels: [1], pixels: pixels(0) }, { labels: [10], pixels: pixels(1) }]);
  assert.throws(() => parseCifarRecords(bad, CIFAR10_LAYOUT, 'cifar10: f', 'fix'), isDataError(/record 1 has label 10, expected 0\.\.9/));
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  writeFileSync(join(dir, 'data_batch_1.bin'), good);
  assert.throws(() => loadCifar10(dir), isDataError(/cifar10: no data_batch_2\.bin found/));
  writeFileSync(join(dir, 'train.bin'), cifarBytes([{ labels: [1, 100], pixels: pixels(0) }]));
  writeFileSync(join(dir, 'test.bin'), cifarBytes([{ labels: [1, 1], pixels: pixels(0) }]));
  assert.throws(() => loadCifar100(dir), isDataError(/train\.bin record 0 has label 100, expected 0\.\.99/));
  assert.doesNotThrow(() => loadCifar100(dir, 'coarse'));
});
