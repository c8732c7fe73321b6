import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataError } from './errors.js';
import { findFile, gunzip, readDataFile } from './files.js';
import { tempDir } from '../../testing/data-fixtures.js';

const isDataError = (pattern: RegExp) => (e: unknown) => e instanceof DataError && pattern.test(e.message);

test('readDataFile gunzips gzip files, keeps others, and digests the bytes on disk', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const content = Buffer.from('hello data '.repeat(100));
  const gz = gzipSync(content);
  writeFileSync(join(dir, 'a.gz'), gz);
  writeFileSync(join(dir, 'b'), content);
  const a = readDataFile(join(dir, 'a.gz'), 'test');
  assert.deepEqual(Buffer.from(a.bytes), content);
  assert.equal(a.digest.sha256, createHash('sha256').update(gz).digest('hex'));
  assert.equal(a.digest.bytes, gz.length);
  assert.deepEqual(Buffer.from(readDataFile(join(dir, 'b'), 'test').bytes), content);
});

test('missing files, folders, truncated gzip and gzip bombs give DataErrors', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  assert.throws(() => readDataFile(join(dir, 'nope'), 'fm', { fix: 'install it' }), isDataError(/^fm: .*nope not found \(install it\)$/));
  mkdirSync(join(dir, 'sub'));
  assert.throws(() => readDataFile(join(dir, 'sub'), 'fm'), isDataError(/not a regular file/));
  const gz = gzipSync(Buffer.alloc(10000, 3));
  writeFileSync(join(dir, 'cut.gz'), gz.subarray(0, gz.length - 10));
  assert.throws(() => readDataFile(join(dir, 'cut.gz'), 'fm'), isDataError(/cut\.gz is not valid gzip.*truncated/));
  const bomb = gzipSync(Buffer.alloc(4 << 20));
  assert.ok(bomb.length < 10_000);
  assert.throws(() => gunzip(bomb, 'x', 1 << 20), isDataError(/unpacks to more than 1,048,576 bytes/));
  writeFileSync(join(dir, 'big'), Buffer.alloc(2000));
  assert.throws(() => readDataFile(join(dir, 'big'), 'fm', { maxBytes: 1000 }), isDataError(/2,000 bytes, more than the 1,000-byte limit/));
});

test('findFile takes the first name that exists and lists the tried paths otherwise', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  writeFileSync(join(dir, 'b'), '');
  assert.equal(findFile([dir], ['a', 'b'], 'x', 'fix'), join(dir, 'b'));
  assert.throws(() => findFile([dir], ['c', 'd'], 'x', 'do this'), isDataError(/no c found \(looked for .*c, .*d; do this\)/));
});
