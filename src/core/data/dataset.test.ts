import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { classCounts, filesHash, makeDataset, summariseDataset } from './dataset.js';
import { DataError } from './errors.js';

const base = () => ({
  name: 't', split: 'train' as const, shape: [1, 2, 1], classes: 3,
  x: Float32Array.from([0, 1, 2, 3, 4, 5]), y: Int32Array.from([0, 2, 1]),
});

test('makeDataset counts samples and rejects inconsistent sizes and labels', () => {
  assert.equal(makeDataset(base()).count, 3);
  assert.throws(() => makeDataset({ ...base(), x: new Float32Array(5) }), (e: unknown) => e instanceof DataError && /3 labels need 6 values of shape \[1,2,1\], got 5/.test(e.message));
  assert.throws(() => makeDataset({ ...base(), y: Int32Array.from([0, 3, 1]) }), (e: unknown) => e instanceof DataError && /label 3 at index 1 is outside 0\.\.2/.test(e.message));
  assert.throws(() => makeDataset({ ...base(), y: Int32Array.from([0, -1, 1]) }), DataError);
});

test('content hash is the sha256 of header, labels and values, and tracks every change', () => {
  const a = makeDataset(base());
  const h = createHash('sha256');
  h.update('{"shape":[1,2,1],"classes":3,"count":3}\n');
  h.update(Buffer.from(Int32Array.from([0, 2, 1]).buffer));
  h.update(Buffer.from(Float32Array.from([0, 1, 2, 3, 4, 5]).buffer));
  assert.equal(a.hash, h.digest('hex'));
  assert.equal(makeDataset({ ...base(), name: 'other', split: 'test' }).hash, a.hash, 'same content, same hash');
  const changed = [
    makeDataset({ ...base(), x: Float32Array.from([0, 1, 2, 3, 4, 5.000001]) }),
    makeDataset({ ...base(), y: Int32Array.from([0, 1, 1]) }),
    makeDataset({ ...base(), x: Float32Array.from([2, 3, 0, 1, 4, 5]), y: Int32Array.from([2, 0, 1]) }),
    makeDataset({ ...base(), classes: 4 }),
    makeDataset({ ...base(), shape: [2, 1, 1] }),
  ];
  for (const d of changed) assert.notEqual(d.hash, a.hash);
});

test('filesHash is the sha256 of sha256sum-style lines in reading order', () => {
  const files = [{ path: '/a/b/one.gz', bytes: 1, sha256: 'aa' }, { path: 'two', bytes: 2, sha256: 'bb' }];
  assert.equal(filesHash(files), createHash('sha256').update('aa  one.gz\nbb  two\n').digest('hex'));
  assert.notEqual(filesHash(files), filesHash([...files].reverse()));
});

test('classCounts counts each class', () => {
  assert.deepEqual(classCounts(Int32Array.from([2, 0, 2, 2]), 4), [1, 0, 3, 0]);
});

test('summariseDataset keeps the record fields and drops the arrays', () => {
  const d = makeDataset({ ...base(), note: 'n' });
  const s = summariseDataset(d);
  assert.deepEqual(s, { name: 't', split: 'train', count: 3, shape: [1, 2, 1], classes: 3, hash: d.hash, note: 'n' });
  assert.ok(JSON.stringify(s).length < 300);
});
