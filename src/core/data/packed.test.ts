import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { npyBytes, tempDir } from '../../testing/data-fixtures.js';
import { loadPackedNpz, type PackedInput } from './packed.js';
import { resolveData } from './resolve.js';

const INPUTS: PackedInput[] = [{ name: 'input_ids', shape: [3], dtype: 'int64' }, { name: 'mask', shape: [3], dtype: 'float32' }];

function write(dir: string, arrays: Record<string, Uint8Array>): string {
  const path = join(dir, 'd.npz');
  writeFileSync(path, zipSync(Object.fromEntries(Object.entries(arrays).map(([k, v]) => [`${k}.npy`, v]))));
  return path;
}

test('npz arrays named after the model inputs are packed side by side per sample, in the model order', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const path = write(dir, {
    mask: npyBytes('<f4', [2, 3], [1, 1, 0, 1, 0.5, 0]),
    input_ids: npyBytes('<i8', [2, 3], [5, 6, 7, 8, 9, 10]),
    y: npyBytes('<i8', [2], [1, 0]),
  });
  const s = loadPackedNpz(path, INPUTS);
  assert.deepEqual(s.train.shape, [6]);
  assert.deepEqual(Array.from(s.train.x), [5, 6, 7, 1, 1, 0, 8, 9, 10, 1, 0.5, 0]);
  assert.deepEqual(Array.from(s.train.y), [1, 0]);
  assert.equal(s.train.xDtype, undefined, 'a float input among them: not all ids');
  const viaResolve = resolveData(`npz:${path}`, { split: 'all', inputs: INPUTS });
  assert.equal(viaResolve.normalize, 'none');
  assert.deepEqual(Array.from(viaResolve.selected.x), Array.from(s.train.x), 'values as saved');
});

test('packed npz: a missing input, a wrong shape or float ids are DataErrors naming the array and the fix', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const y = npyBytes('<i8', [2], [1, 0]);
  const missing = write(dir, { input_ids: npyBytes('<i8', [2, 3], [1, 2, 3, 4, 5, 6]), y });
  assert.throws(() => loadPackedNpz(missing, INPUTS), /has no array 'mask' .*numpy\.savez\(FILE, input_ids=…, mask=…, y=…\)/);
  const wrong = write(dir, { input_ids: npyBytes('<i8', [2, 2], [1, 2, 3, 4]), mask: npyBytes('<f4', [2, 3], [1, 1, 1, 1, 1, 1]), y });
  assert.throws(() => loadPackedNpz(wrong, INPUTS), /array 'input_ids' has shape \(2, 2\); the model's input 'input_ids' takes 2 samples of \[3\]/);
  const floats = write(dir, { input_ids: npyBytes('<f4', [2, 3], [1, 2, 3, 4, 5, 6]), mask: npyBytes('<f4', [2, 3], [1, 1, 1, 1, 1, 1]), y });
  assert.throws(() => loadPackedNpz(floats, INPUTS), /'input_ids' is <f4, but the model's input 'input_ids' takes integer ids/);
  assert.throws(() => resolveData('digits', { inputs: INPUTS }), /the model takes 2 inputs \('input_ids', 'mask'\); give them as npz/);
});
