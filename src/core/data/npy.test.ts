import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError } from './errors.js';
import { fromBase64, npyBytes, NUMPY_FIXTURES } from '../../testing/data-fixtures.js';
import { npyToFloat32, npyToLabels, parseNpy, NPY_DTYPES, type NpyDtype } from './npy.js';

const isDataError = (pattern: RegExp) => (e: unknown) => e instanceof DataError && pattern.test(e.message);

test('files written by numpy 1.24 parse to the values numpy saved', () => {
  const x = parseNpy(fromBase64(NUMPY_FIXTURES.npyF4), 'x');
  assert.equal(x.dtype, '<f4');
  assert.deepEqual(x.shape, [2, 3, 2, 2]);
  assert.deepEqual([...npyToFloat32(x)], Array.from({ length: 24 }, (_, i) => i * 0.5 - 1));
  const y = parseNpy(fromBase64(NUMPY_FIXTURES.npyI8), 'y');
  assert.deepEqual(y.shape, [2]);
  assert.deepEqual([...npyToLabels(y, 'y')], [1, 0]);
});

test('every supported dtype and format version round-trips', () => {
  const values = [0, 1, 2, 250, 7, 3];
  for (const dtype of Object.keys(NPY_DTYPES) as NpyDtype[]) {
    for (const version of [1, 2, 3] as const) {
      const a = parseNpy(npyBytes(dtype, [2, 3], values, version), `${dtype} v${version}`);
      assert.equal(a.dtype, dtype);
      assert.deepEqual(a.shape, [2, 3]);
      assert.deepEqual([...npyToFloat32(a)], values, `${dtype} v${version}`);
      assert.deepEqual([...npyToLabels(a, 'y')], values);
    }
  }
  const f8 = parseNpy(npyBytes('<f8', [2], [0.1, -1e-3]), 'f8');
  assert.deepEqual([...npyToFloat32(f8)], [Math.fround(0.1), Math.fround(-1e-3)]);
});

test('headers numpy can write but terrain does not read are named, with the fix', () => {
  const good = npyBytes('<f4', [2, 2], [1, 2, 3, 4]);
  const text = new TextDecoder('latin1').decode(good);
  const withHeader = (from: string, to: string) => new Uint8Array(Buffer.from(text.replace(from, to), 'latin1'));
  assert.throws(() => parseNpy(withHeader("'<f4'", "'>f4'"), 'npy: a'), isDataError(/^npy: a has dtype '>f4', expected one of <f4 <f8 \|u1 <i4 <i8 \(convert with/));
  assert.throws(() => parseNpy(npyBytes('<f4', [2, 2], [1, 2, 3, 4], 1, true), 'a'), isDataError(/Fortran order/));
  assert.throws(() => parseNpy(withHeader("'descr': '<f4'", "'descr': [('a', '<f4')]"), 'a'), isDataError(/structured arrays/));
  assert.throws(() => parseNpy(withHeader('(2, 2)', '(2, x)'), 'a'), isDataError(/non-integer entry 'x'/));
  assert.throws(() => parseNpy(good.subarray(0, good.length - 4), 'npy: a'), isDataError(/^npy: a holds 12 data bytes but its header \(<f4, shape \(2, 2\)\) needs 16 \(file truncated\?\)$/));
  assert.throws(() => parseNpy(new Uint8Array([...good, 0]), 'a'), isDataError(/holds 17 data bytes .* needs 16 \(trailing bytes/));
  assert.throws(() => parseNpy(good.subarray(0, 40), 'a'), isDataError(/declares a 118-byte header but holds only 40 bytes/));
  assert.throws(() => parseNpy(new TextEncoder().encode('x,y\n1,2\n'), 'a'), isDataError(/not a \.npy file/));
  const huge = withHeader('(2, 2), }', '(1000000000000, 1000), }').subarray(0, 200);
  assert.throws(() => parseNpy(huge, 'a'), isDataError(/needs 4,000,000,000,000,000 \(file truncated\?\)/), 'no allocation from a header alone');
  const v9 = good.slice(); v9[6] = 9;
  assert.throws(() => parseNpy(v9, 'a'), isDataError(/format version 9\.0/));
});

test('labels must be non-negative integers', () => {
  assert.throws(() => npyToLabels(parseNpy(npyBytes('<f4', [2], [1, 0.5]), 'y'), 'npy: y'), isDataError(/label 0\.5 at index 1; labels must be integers/));
  assert.throws(() => npyToLabels(parseNpy(npyBytes('<i8', [2], [-1, 0]), 'y'), 'npy: y'), isDataError(/label -1 at index 0/));
  assert.throws(() => npyToLabels(parseNpy(npyBytes('<i4', [1], [2_000_000_000]), 'y'), 'npy: y'), isDataError(/label 2000000000/));
});
