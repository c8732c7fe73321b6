import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executePoints, type PointEvaluate } from './execute.js';
import { RunDir } from './run-dir.js';

const open = (): Promise<RunDir> => RunDir.open(mkdtempSync(join(tmpdir(), 'terrain-exec-')), { kind: 'curve', identity: { test: true }, info: {} });
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
const square = (who: string[], name: string, ms = 1): PointEvaluate => async (i) => { who.push(name); await delay(ms); return { loss: i * i }; };

test('helpers are asked once, after the second point, and share the remaining points', async () => {
  const run = await open();
  const who: string[] = [];
  let asked: [number, number] | undefined;
  let closed = 0;
  const lanes: number[] = [];
  await executePoints(run, {
    total: 12, evaluate: square(who, 'main', 5),
    helpers: async (seconds, left) => { asked = [seconds, left]; return { evaluators: [square(who, 'a'), square(who, 'b')], close: async () => { closed++; } }; },
    onProgress: (p) => { if (p.lanes) lanes.push(p.lanes); },
  });
  assert.deepEqual(who.slice(0, 2), ['main', 'main']);
  assert.ok(asked && asked[0] > 0.003 && asked[1] === 10, `helpers asked with ${asked}`);
  assert.ok(who.includes('a') && who.includes('b'));
  assert.equal(closed, 1);
  assert.equal(Math.max(...lanes), 3);
  assert.deepEqual([...run.finished.keys()].sort((a, b) => a - b), Array.from({ length: 12 }, (_, i) => i));
  for (const [i, r] of run.finished) assert.equal(r['loss'], i * i);
});

test('no helpers for two pending points, and none when they decline', async () => {
  let asked = 0;
  const run = await open();
  await executePoints(run, { total: 2, evaluate: square([], 'main'), helpers: async () => { asked++; return { evaluators: [], close: async () => {} }; } });
  assert.equal(asked, 0);
  const run2 = await open();
  const who: string[] = [];
  await executePoints(run2, { total: 5, evaluate: square(who, 'main'), helpers: async () => { asked++; return { evaluators: [], close: async () => {} }; } });
  assert.equal(asked, 1);
  assert.deepEqual(who, ['main', 'main', 'main', 'main', 'main']);
});

test('a failing helper stops the run, keeps finished points and closes the helpers', async () => {
  const run = await open();
  let closed = false;
  const bad: PointEvaluate = async (i) => { await delay(2); throw new Error(`point ${i} broke`); };
  await assert.rejects(executePoints(run, {
    total: 50, evaluate: square([], 'main', 3), helpers: async () => ({ evaluators: [bad], close: async () => { closed = true; } }),
  }), /broke/);
  assert.ok(closed);
  assert.ok(run.finished.size >= 1 && run.finished.size < 50);
  const again = await RunDir.open(run.dir, { kind: 'curve', identity: { test: true }, info: {} });
  assert.equal(again.finished.size, run.finished.size);
});
