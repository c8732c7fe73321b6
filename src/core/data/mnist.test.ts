import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataError } from './errors.js';
import { idxBytes, tempDir } from '../../testing/data-fixtures.js';
import { parseIdx } from './idx.js';
import { loadMnistLike } from './mnist.js';

const isDataError = (pattern: RegExp) => (e: unknown) => e instanceof DataError && pattern.test(e.message);
const want = { rank: 3, items: 'images', label: 'fm: f', fix: 're-install it' };

/** n images of 2×3 whose pixel (i, r, c) is 10·i + 3·r + c, and labels i mod 10. */
function writeSplit(dir: string, prefix: string, n: number, gz: boolean, dotted = false): void {
  const pixels = Array.from({ length: n * 6 }, (_, k) => { const i = Math.floor(k / 6), p = k % 6; return 10 * i + 3 * Math.floor(p / 3) + (p % 3); });
  const sep = dotted ? '.' : '-';
  const write = (name: string, bytes: Uint8Array) => writeFileSync(join(dir, name + (gz ? '.gz' : '')), gz ? gzipSync(bytes) : bytes);
  write(`${prefix}-images${sep}idx3-ubyte`, idxBytes([n, 2, 3], pixels));
  write(`${prefix}-labels${sep}idx1-ubyte`, idxBytes([n], Array.from({ length: n }, (_, i) => i % 10)));
}

test('parseIdx reads dims big-endian and returns exactly the declared values', () => {
  const a = parseIdx(idxBytes([2, 2, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), want);
  assert.deepEqual(a.dims, [2, 2, 3]);
  assert.deepEqual([...a.data], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  const big = new Uint8Array(16); big.set([0, 0, 8, 3, 0, 0, 1, 0, 0, 0, 0, 28, 0, 0, 0, 28]);
  assert.throws(() => parseIdx(big, want), isDataError(/holds 0 images but the header says 256 \(file truncated\? re-install it\)/));
});

test('parseIdx names truncation, extra bytes and wrong magic numbers', () => {
  const good = idxBytes([3, 2, 2], new Array(12).fill(7));
  assert.throws(() => parseIdx(good.subarray(0, good.length - 1), want), isDataError(/^fm: f holds 2 images but the header says 3 \(file truncated\? re-install it\)$/));
  assert.throws(() => parseIdx(new Uint8Array([...good, 0, 0]), want), isDataError(/2 bytes after the 3 images/));
  assert.throws(() => parseIdx(good.subarray(0, 10), want), isDataError(/10 bytes, too short for the 16-byte IDX header/));
  assert.throws(() => parseIdx(idxBytes([12], new Array(12).fill(1)), want), isDataError(/magic number 0x00000801, expected 0x00000803 .*rank 1/));
  assert.throws(() => parseIdx(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), want), isDataError(/not an unsigned-byte IDX file/));
  assert.throws(() => parseIdx(idxBytes([0, 2, 2], []), want), isDataError(/holds 0 images/));
});

test('loadMnistLike reads gzip or raw files, official or dotted names, scaled to [0, 1]', (t) => {
  for (const [gz, dotted] of [[true, false], [false, false], [false, true]] as const) {
    const { dir, cleanup } = tempDir();
    t.after(cleanup);
    writeSplit(dir, 'train', 5, gz, dotted);
    writeSplit(dir, 't10k', 3, gz, dotted);
    const s = loadMnistLike('mnist', dir);
    assert.equal(s.train.count, 5);
    assert.equal(s.test.count, 3);
    assert.deepEqual(s.train.shape, [1, 2, 3]);
    assert.deepEqual([...s.train.y], [0, 1, 2, 3, 4]);
    // image 4, row 1, col 2 → 10·4 + 3 + 2 = 45
    assert.equal(s.train.x[4 * 6 + 1 * 3 + 2], Math.fround(45 / 255));
    assert.equal(s.test.split, 'test');
    assert.equal(s.files.length, 4);
    assert.equal(s.source, `mnist:${dir}`);
    assert.equal(s.train.classNames, undefined);
  }
});

test('loadMnistLike rejects mismatched counts, bad labels and missing files', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  writeSplit(dir, 'train', 4, true);
  writeSplit(dir, 't10k', 2, true);
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(idxBytes([3], [0, 1, 2])));
  assert.throws(() => loadMnistLike('mnist', dir), isDataError(/t10k-labels-idx1-ubyte\.gz holds 3 labels but .*t10k-images-idx3-ubyte\.gz holds 2 images/));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(idxBytes([2], [0, 10])));
  assert.throws(() => loadMnistLike('mnist', dir), isDataError(/label 10 at index 1, expected 0\.\.9/));
  const { dir: empty, cleanup: c2 } = tempDir();
  t.after(c2);
  assert.throws(() => loadMnistLike('fashion-mnist', empty), isDataError(/fashion-mnist: no train-images-idx3-ubyte\.gz found/));
  assert.throws(() => loadMnistLike('mnist', join(empty, 'none')), isDataError(/directory .*none not found/));
});
