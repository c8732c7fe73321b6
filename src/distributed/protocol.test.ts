import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chunkCount, chunkPoints, encodeRecord, jobId, parseChunkJobData, pendingChunks } from './protocol.js';
import { parseQueueUrl } from './queue-url.js';

test('pending chunks hold only unfinished indices and cover every unfinished point once', () => {
  const finished = new Set([0, 1, 2, 5, 9]);
  const p = pendingChunks(10, 3, finished);
  assert.deepEqual([...p], [[1, [3, 4]], [2, [6, 7, 8]]]);
  assert.equal(chunkCount(10, 3), 4);
  assert.deepEqual([...pendingChunks(7, 4, new Set())], [[0, [0, 1, 2, 3]], [1, [4, 5, 6]]]);
  assert.equal(pendingChunks(5, 2, new Set([0, 1, 2, 3, 4])).size, 0);
  assert.equal(jobId('0123456789abcdef', 3), '0123456789abcdef-3');
});

test('chunk results: foreign and malformed records are dropped, NaN and ±∞ survive the JSON round trip', () => {
  const sent = { points: [
    encodeRecord({ index: 4, loss: NaN, accuracy: 0.5, lossStderr: Infinity }),
    encodeRecord({ index: 5, loss: 1.25, accuracy: 0.75, lossStderr: -Infinity }),
    { index: 99, loss: 1, accuracy: 1, lossStderr: 0 },
    { index: 6, loss: 'x', accuracy: 1, lossStderr: 0 },
  ] };
  const { points, dropped } = chunkPoints(JSON.parse(JSON.stringify(sent)), [4, 5, 6]);
  assert.equal(dropped, 2);
  assert.deepEqual(points.map((p) => p.index), [4, 5]);
  assert.ok(Number.isNaN(points[0]!['loss']));
  assert.equal(points[0]!['lossStderr'], Infinity);
  assert.equal(points[1]!['lossStderr'], -Infinity);
  assert.deepEqual(Object.keys(points[1]!), ['index', 'loss', 'accuracy', 'lossStderr']);
  assert.deepEqual(chunkPoints(null, [1]), { points: [], dropped: 0 });
});

test('job payloads are checked before a worker acts on them', () => {
  const good = { manifest: 'a'.repeat(64), dir: '/runs/x', runKey: '0123456789abcdef', chunk: 2, indices: [8, 9] };
  assert.deepEqual(parseChunkJobData(good, 'j'), good);
  assert.throws(() => parseChunkJobData({ ...good, indices: [-1] }, 'j1'), /job j1: payload is not a terrain chunk job/);
  assert.throws(() => parseChunkJobData({ ...good, manifest: '../etc' }, 'j2'), /job j2/);
  assert.throws(() => parseChunkJobData('hello', 'j3'), /got "hello"/);
});

test('queue URLs: host, port, db and queue name; bad ones say what is expected', () => {
  assert.deepEqual(parseQueueUrl('redis://10.0.0.5:6380'), { host: '10.0.0.5', port: 6380, db: 0, queue: 'terrain', href: 'redis://10.0.0.5:6380' });
  assert.deepEqual(parseQueueUrl('redis://redis.lan/2?queue=big-runs'), { host: 'redis.lan', port: 6379, db: 2, queue: 'big-runs', href: 'redis://redis.lan:6379/2?queue=big-runs' });
  assert.equal(parseQueueUrl('redis://[::1]:7000').host, '::1');
  assert.throws(() => parseQueueUrl('localhost:6379'), /--queue 'localhost:6379': scheme 'localhost:' is not redis:/);
  assert.throws(() => parseQueueUrl('http://h:1'), /scheme 'http:' is not redis:/);
  assert.throws(() => parseQueueUrl('redis://h:1/99'), /database '99' must be an integer 0–15/);
  assert.throws(() => parseQueueUrl('redis://h:1?queue=a:b'), /queue name 'a:b'/);
  assert.throws(() => parseQueueUrl('redis://h:1?chunk=3'), /unknown parameter 'chunk'/);
  assert.throws(() => parseQueueUrl('redis://u:p@h:1'), /credentials/);
});
