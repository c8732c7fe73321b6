// A points.jsonl that ends in half a line (a crash mid-append): the next record starts on a line of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endTornTail } from './torn-tail.js';
import { RunDir } from './run-dir.js';

const config = { kind: 'curve', identity: { torn: true }, info: {} };
const whole = (i: number): string => `${JSON.stringify({ index: i, loss: i / 2, accuracy: 1, lossStderr: 0 })}\n`;
const lines = (path: string): string[] => readFileSync(path, 'utf8').split('\n');

test('a torn last record is cut before the next append, and every line is then a whole record', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'terrain-torn-'));
  const points = join(dir, 'points.jsonl');
  (await RunDir.open(dir, config)).close();
  writeFileSync(points, whole(0) + whole(1) + '{"index":2,"loss":0.12'); // killed inside the third record
  const run = await RunDir.open(dir, config);
  assert.deepEqual([...run.finished.keys()], [0, 1]);
  await run.append({ index: 2, loss: 1, accuracy: 1, lossStderr: 0 });
  await run.append({ index: 3, loss: 1.5, accuracy: 1, lossStderr: 0 });
  run.close();
  const text = lines(points);
  assert.equal(text.pop(), '', 'ends with a newline');
  assert.deepEqual(text.map((l) => (JSON.parse(l) as { index: number }).index), [0, 1, 2, 3]);
  const again = await RunDir.open(dir, config);
  assert.deepEqual([...again.finished.keys()].sort(), [0, 1, 2, 3], 'the recomputed point is kept on disk');
  again.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a whole last record without its newline is kept and ended; a clean or absent file is left alone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'terrain-torn-'));
  const p = join(dir, 'points.jsonl');
  assert.equal(await endTornTail(p), 'none');
  writeFileSync(p, whole(0) + whole(1).trimEnd());
  assert.equal(await endTornTail(p), 'ended');
  assert.equal(readFileSync(p, 'utf8'), whole(0) + whole(1));
  assert.equal(await endTornTail(p), 'none');
  // A torn line longer than the 64 KiB read chunk, after a short first line.
  writeFileSync(p, whole(0) + `{"index":1,"loss":[${'1,'.repeat(70_000)}`);
  assert.equal(await endTornTail(p), 'cut');
  assert.equal(readFileSync(p, 'utf8'), whole(0));
  // Only torn text: the file becomes empty.
  writeFileSync(p, '{"ind');
  assert.equal(await endTornTail(p), 'cut');
  assert.equal(readFileSync(p, 'utf8'), '');
  rmSync(dir, { recursive: true, force: true });
});
