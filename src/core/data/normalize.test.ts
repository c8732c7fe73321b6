import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from './errors.js';
import { npyBytes, tempDir } from '../../testing/data-fixtures.js';
import { formatNormalization, parseNormalization } from './normalize.js';
import { resolveData } from './resolve.js';
import { messageWith } from '../../ir/errors.js';
import { asFlag } from '../../cli/errors.js';

test('--normalize forms parse and print back; bad values are refused with the forms', () => {
  for (const t of ['none', 'per-channel', '0.5,0.25', '0.4914;0.4822;0.4465,0.247;0.2435;0.2616']) {
    assert.equal(formatNormalization(parseNormalization(t)), t);
  }
  assert.deepEqual(parseNormalization('1;2,3;4'), { kind: 'fixed', mean: [1, 2], std: [3, 4] });
  for (const bad of ['standard', '0.5', '0.5,0', '1;2,3', 'a,b', '0.5,0.25,1']) {
    assert.throws(() => parseNormalization(bad), (e: unknown) => e instanceof DataError && /^normalize '/.test(e.message) && /^--normalize '/.test(messageWith(e, asFlag)), bad);
  }
});

function npyFiles(dir: string, dtype: '<f4' | '<i8' | '<i4', shape: number[], x: number[], y: number[]): string {
  writeFileSync(join(dir, 'x.npy'), npyBytes(dtype, shape, x));
  writeFileSync(join(dir, 'y.npy'), npyBytes('<i8', [y.length], y));
  return `npy:${join(dir, 'x.npy')},${join(dir, 'y.npy')}`;
}

test('fixed MEAN,STD: (x − mean)/std per channel, one pair spread over every channel; per-channel list checked', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  // Two samples of 2 channels × 1 × 2.
  const spec = npyFiles(dir, '<f4', [2, 2, 1, 2], [1, 2, 3, 4, 5, 6, 7, 8], [0, 1]);
  const two = resolveData(spec, { normalize: '1;2,2;4' }).selected;
  assert.deepEqual([...two.x], [0, 0.5, 0.25, 0.5, 2, 2.5, 1.25, 1.5]);
  assert.deepEqual(two.standardisation, { mean: [1, 2], std: [2, 4] });
  const one = resolveData(spec, { normalize: '1,2' }).selected;
  assert.deepEqual([...one.x], [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]);
  assert.throws(() => resolveData(spec, { normalize: '1;2;3,1;1;1' }), /3 means and stds, but .* has 2 channel/);
  assert.notEqual(one.hash, two.hash);
});

test('integer samples (token ids): read exactly with their own shape, marked int64, never normalised', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const ids = [3, 16_777_215, 0, 7, 1, 2];
  const spec = npyFiles(dir, '<i8', [2, 3], ids, [0, 1]);
  const d = resolveData(spec).selected;
  assert.equal(d.xDtype, 'int64');
  assert.deepEqual(d.shape, [3]);
  assert.deepEqual([...d.x], ids);
  assert.throws(() => resolveData(spec, { normalize: 'per-channel' }), (e: unknown) => e instanceof DataError && /integers .* use normalize none/.test(e.message) && /integers .* use --normalize none/.test(messageWith(e, asFlag)));
  assert.throws(() => resolveData(spec, { normalize: '0,1' }), /cannot be normalised/);
  // The same values as float32 are another data set (content hash covers the dtype).
  const asFloat = resolveData(npyFiles(dir, '<f4', [2, 3], ids, [0, 1])).selected;
  assert.equal(asFloat.xDtype, undefined);
  assert.notEqual(asFloat.hash, d.hash);
  // [T, D] integer samples keep both axes (no dummy channel).
  assert.deepEqual(resolveData(npyFiles(dir, '<i4', [2, 3, 2], [...ids, ...ids], [0, 1])).selected.shape, [3, 2]);
  assert.throws(() => resolveData(npyFiles(dir, '<i8', [2, 1], [1, 16_777_216], [0, 1])), /integer 16777216 at index 1; .*\|v\| < 2\^24/);
});

test('known data sets keep their per-channel default; none turns it off', () => {
  const d = resolveData('digits');
  assert.equal(d.normalize, 'per-channel');
  assert.ok(d.train.standardisation);
  assert.equal(resolveData('digits', { normalize: 'none' }).train.standardisation, undefined);
});

test('Y arrays: float targets (N,) and (N, K), label sequences (N, T) with −100, whole-number floats stay labels', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const spec = (y: Uint8Array) => { writeFileSync(join(dir, 'x.npy'), npyBytes('<f4', [4, 2], [1, 2, 3, 4, 5, 6, 7, 8])); writeFileSync(join(dir, 'y.npy'), y); return `npy:${join(dir, 'x.npy')},${join(dir, 'y.npy')}`; };
  const reg = resolveData(spec(npyBytes('<f8', [4], [0.5, -1.25, 2, 3]))).selected;
  assert.deepEqual([reg.classes, reg.targetShape, [...reg.targets!]], [1, [], [0.5, -1.25, 2, 3]]);
  const seq = resolveData(spec(npyBytes('<i8', [4, 3], [1, 2, -100, 0, 0, 0, 4, -100, -100, 3, 2, 1]))).selected;
  assert.deepEqual([seq.classes, seq.labelShape, seq.count], [5, [3], 4]);
  const sub = resolveData(spec(npyBytes('<i8', [4, 3], [1, 2, -100, 0, 0, 0, 4, -100, -100, 3, 2, 1])), { samples: 2, seed: 3 }).selected;
  assert.equal(sub.y.length, 6, 'a subset keeps whole label sequences');
  const whole = resolveData(spec(npyBytes('<f4', [4], [0, 1, 2, 1]))).selected;
  assert.deepEqual([whole.classes, [...whole.y], [...whole.targets!]], [3, [0, 1, 2, 1], [0, 1, 2, 1]]);
  assert.notEqual(whole.hash, resolveData(spec(npyBytes('<i8', [4], [0, 1, 2, 1]))).selected.hash, 'targets are part of the content');
  assert.throws(() => resolveData(spec(npyBytes('<i8', [4, 2], [1, 2, -5, 0, 0, 0, 1, 1]))), /label -5 at index 2; label sequences/);
});
