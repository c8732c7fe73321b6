import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { classCounts, filesHash } from './dataset.js';
import { DIGITS_PATH, loadDigits } from './digits.js';
import { crossCheckSkip, pythonPath } from '../../testing/python.js';

// Class sizes of the UCI optdigits test part (optdigits.names), which is what the bundled file holds.
const UCI_CLASS_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180];
// 360 test samples by largest remainder of count·360/1797 (worked by hand in docs/data.md).
const TEST_PER_CLASS = [36, 37, 35, 37, 36, 36, 36, 36, 35, 36];

const rowsOf = (x: Float32Array, n: number) => Array.from({ length: n }, (_, i) => Array.from(x.subarray(i * 64, (i + 1) * 64), (v) => v * 16).join(','));

test('digits: 1,797 samples of 1×8×8, pixels k/16 in [0, 1], UCI class sizes', () => {
  const s = loadDigits();
  assert.equal(s.train.count + s.test.count, 1797);
  assert.deepEqual(s.train.shape, [1, 8, 8]);
  const all = classCounts(s.train.y, 10).map((c, k) => c + classCounts(s.test.y, 10)[k]!);
  assert.deepEqual(all, UCI_CLASS_COUNTS);
  for (const ds of [s.train, s.test]) {
    for (const v of ds.x) assert.ok(v >= 0 && v <= 1 && Number.isInteger(v * 16), `pixel ${v}`);
  }
  const fileSha = createHash('sha256').update(readFileSync(DIGITS_PATH)).digest('hex');
  assert.deepEqual(s.files.map((f) => f.sha256), [fileSha]);
  assert.equal(s.hash, filesHash([{ path: DIGITS_PATH, bytes: 0, sha256: fileSha }]));
  assert.equal(s.source, 'digits');
});

test('digits split: 1,437/360, stratified per class, a partition of the file, identical on every load', () => {
  const s = loadDigits();
  assert.equal(s.train.count, 1437);
  assert.equal(s.test.count, 360);
  assert.deepEqual(classCounts(s.test.y, 10), TEST_PER_CLASS);
  assert.deepEqual(classCounts(s.train.y, 10), UCI_CLASS_COUNTS.map((c, k) => c - TEST_PER_CLASS[k]!));
  const fileRows = readDigitsRows();
  const splitRows = [...rowsOf(s.train.x, s.train.count).map((r, i) => `${r},${s.train.y[i]}`), ...rowsOf(s.test.x, s.test.count).map((r, i) => `${r},${s.test.y[i]}`)];
  assert.deepEqual([...splitRows].sort(), [...fileRows].sort(), 'train ∪ test is exactly the file');
  const trainRows = splitRows.slice(0, s.train.count), testRows = splitRows.slice(s.train.count);
  assert.ok(isSubsequence(trainRows, fileRows), 'train keeps file order');
  assert.ok(isSubsequence(testRows, fileRows), 'test keeps file order');
  const again = loadDigits();
  assert.equal(again.train.hash, s.train.hash);
  assert.equal(again.test.hash, s.test.hash);
  assert.notEqual(s.train.hash, s.test.hash);
});

test('digits agree with numpy.loadtxt of the same file', (t) => {
  const skip = crossCheckSkip('numpy');
  if (skip) { t.skip(skip); return; }
  const script = `import numpy, sys
d = numpy.loadtxt(sys.argv[1], delimiter=',', dtype=numpy.int64)
print(d.shape[0], int(d[:, :64].sum()), ' '.join(str(int(d[d[:, 64] == k, :64].sum())) for k in range(10)))`;
  const out = spawnSync(pythonPath(), ['-c', script, DIGITS_PATH], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  const [rows, total, ...perClass] = out.stdout.trim().split(/\s+/).map(Number);
  const s = loadDigits();
  const sums = new Array<number>(10).fill(0);
  for (const ds of [s.train, s.test]) for (let i = 0; i < ds.count; i++) for (let j = 0; j < 64; j++) sums[ds.y[i]!]! += Math.round(ds.x[i * 64 + j]! * 16);
  assert.equal(rows, s.train.count + s.test.count);
  assert.equal(total, sums.reduce((a, b) => a + b, 0));
  assert.deepEqual(perClass, sums);
});

function readDigitsRows(): string[] {
  // Independent of the reader: gzip -dc and a split on newlines.
  return (spawnSync('gzip', ['-dc', DIGITS_PATH], { encoding: 'utf8' }).stdout).trim().split('\n');
}

function isSubsequence(part: string[], whole: string[]): boolean {
  let i = 0;
  for (const row of part) {
    while (i < whole.length && whole[i] !== row) i++;
    if (i === whole.length) return false;
    i++;
  }
  return true;
}
