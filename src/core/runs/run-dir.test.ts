import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunDir, RunMismatchError } from './run-dir.js';
import { executePoints } from './execute.js';
import { parseRange, linspace, RangeError_ } from './grid.js';

const config = { kind: 'curve', identity: { model: 'abc', grid: [-1, 1, 5] }, info: { command: 'x' } };

test('a run resumes where it stopped and refuses a different identity', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'terrain-run-'));
  const calls: number[] = [];
  const evaluate = async (i: number) => { calls.push(i); return { loss: i * i }; };
  const ac = new AbortController();
  const run1 = await RunDir.open(dir, config);
  await executePoints(run1, { total: 5, evaluate: async (i) => { if (i === 2) ac.abort(); return evaluate(i); }, signal: ac.signal });
  assert.deepEqual(calls, [0, 1, 2]);
  await appendFile(join(dir, 'points.jsonl'), '{"index":3,"lo'); // torn write from a crash
  const run2 = await RunDir.open(dir, config);
  assert.deepEqual([...run2.finished.keys()].sort(), [0, 1, 2]);
  const all = await executePoints(run2, { total: 5, evaluate });
  assert.deepEqual(calls, [0, 1, 2, 3, 4]);
  assert.deepEqual([...all.values()].map((r) => r['loss']).sort((a, b) => Number(a) - Number(b)), [0, 1, 4, 9, 16]);
  await assert.rejects(RunDir.open(dir, { ...config, identity: { model: 'abc', grid: [-1, 1, 7] } }), RunMismatchError);
  await assert.rejects(RunDir.open(dir, { ...config, identity: { model: 'abc', grid: [-1, 1, 7] } }), /'grid' differs/);
  const text = await readFile(join(dir, 'points.jsonl'), 'utf8');
  assert.ok(text.includes('"index":4'));
});

test('ranges parse, include both ends and reject nonsense', () => {
  assert.deepEqual(linspace(parseRange('-1:1:5')), [-1, -0.5, 0, 0.5, 1]);
  assert.deepEqual(linspace(parseRange('0:1:1')), [0]);
  assert.throws(() => parseRange('-1:1'), RangeError_);
  assert.throws(() => parseRange('a:1:3'), /is not A:B:N/);
  assert.throws(() => parseRange('1:1:3'), /from and to are equal/);
});
