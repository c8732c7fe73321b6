// NaN, +∞ and −∞ keep their identity through points.jsonl, result.json and a resume; old files (null) still read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeNumber, encodeNumber, parseWithNonFinite, stringifyWithNonFinite } from './non-finite.js';
import { readJson, RunDir } from './run-dir.js';
import { finishLandscape } from '../landscape/job.js';
import { ParamLayout } from '../params.js';
import { encodeBlock } from '../landscape/sample-log.js';
import { encodeRecord } from '../../distributed/protocol.js';

const fresh = (): string => mkdtempSync(join(tmpdir(), 'terrain-nonfinite-'));
const VALUES = [NaN, Infinity, -Infinity, 0, -0.5, 1e-300];

test('the three tokens round-trip and are told apart; finite numbers are untouched', () => {
  const text = stringifyWithNonFinite({ a: VALUES, b: { c: NaN } });
  assert.equal(text, '{"a":["NaN","Infinity","-Infinity",0,-0.5,1e-300],"b":{"c":"NaN"}}');
  const back = parseWithNonFinite(text) as { a: number[]; b: { c: number } };
  VALUES.forEach((v, i) => assert.ok(Object.is(back.a[i], v === -0 ? 0 : v), `${i}: ${back.a[i]}`));
  assert.ok(Number.isNaN(back.b.c));
  // JavaScript's Number() reads the tokens as the same numbers (CSV readers, hand-written scripts).
  for (const v of [NaN, Infinity, -Infinity]) assert.ok(Object.is(Number(encodeNumber(v)), v));
  assert.equal(decodeNumber('nan'), 'nan', 'only the exact tokens are numbers');
});

test('every writer of non-finite numbers uses the same tokens (points, queue records, samples.jsonl)', () => {
  const rec = { index: 3, loss: NaN, accuracy: Infinity, lossStderr: -Infinity };
  const viaQueue = JSON.stringify(encodeRecord(rec));
  assert.equal(viaQueue, stringifyWithNonFinite(rec));
  const block = encodeBlock({ index: 0, from: 0, batches: [{ lossSum: Infinity, lossSqSum: NaN, correct: 1, size: 2 }] });
  assert.match(block, /\["Infinity","NaN",1,2\]/);
});

test('points with NaN and ±∞ read back as the same numbers; old null records read as NaN', async () => {
  const dir = fresh();
  const config = { kind: 'curve', identity: { t: 1 }, info: {} };
  const run = await RunDir.open(dir, config);
  for (const [i, v] of [NaN, Infinity, -Infinity].entries()) await run.append({ index: i, loss: v, accuracy: 0.5, lossStderr: v });
  run.close();
  writeFileSync(join(dir, 'points.jsonl'), readFileSync(join(dir, 'points.jsonl'), 'utf8') + '{"index":3,"loss":null,"accuracy":null,"lossStderr":null,"note":null}\n');
  const again = await RunDir.open(dir, config);
  assert.ok(Number.isNaN(again.finished.get(0)!['loss']));
  assert.equal(again.finished.get(1)!['loss'], Infinity);
  assert.equal(again.finished.get(2)!['lossStderr'], -Infinity);
  assert.ok(Number.isNaN(again.finished.get(3)!['loss']));
  assert.equal(again.finished.get(3)!['note'], null, 'only the numeric fields of old records become NaN');
  again.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a run identity holding ∞ still matches itself after run.json is read back', async () => {
  const dir = fresh();
  const config = { kind: 'curve', identity: { maxLoss: Infinity }, info: {} };
  (await RunDir.open(dir, config)).close();
  assert.match(readFileSync(join(dir, 'run.json'), 'utf8'), /"maxLoss": "Infinity"/);
  (await RunDir.open(dir, config)).close();
  rmSync(dir, { recursive: true, force: true });
});

const LAYOUT = new ParamLayout([{ name: 'w', shape: [2] }]);
const direction = (spec: string, data: number[]) => ({ spec, vector: { layout: LAYOUT, data: Float32Array.from(data) }, info: {} }) as never;

for (const kind of ['curve', 'surface'] as const) {
  test(`a ${kind} with diverged points: result.json is byte-identical whether the points were computed or resumed`, async () => {
    const dir = fresh();
    const job = kind === 'curve'
      ? { kind, ranges: [{ from: -1, to: 1, count: 5 }], directions: [direction('a', [1, 0])], bn: 'eval' as const }
      : { kind, ranges: [{ from: -1, to: 1, count: 3 }, { from: 0, to: 1, count: 2 }], directions: [direction('a', [1, 0]), direction('b', [1, 1])], bn: 'eval' as const };
    const losses = kind === 'curve' ? [Infinity, 2, 1, NaN, -Infinity] : [NaN, 1, Infinity, 2, -Infinity, 3];
    const config = { kind, identity: { t: kind }, info: {} };
    const live = await RunDir.open(dir, config);
    for (const [i, loss] of losses.entries()) await live.append({ index: i, loss, accuracy: Number.isFinite(loss) ? 0.5 : NaN, lossStderr: 0 });
    const inMemory = await finishLandscape(job, live);
    const first = readFileSync(join(dir, 'result.json'), 'utf8');
    live.close();
    const resumed = await RunDir.open(dir, config);
    await finishLandscape(job, resumed);
    resumed.close();
    const second = readFileSync(join(dir, 'result.json'), 'utf8');
    assert.equal(second, first);
    for (const token of ['"NaN"', '"Infinity"', '"-Infinity"']) assert.ok(first.includes(token), `${token} in ${first}`);
    const read = (await readJson(join(dir, 'result.json'), true)) as { loss: unknown };
    assert.deepEqual(read.loss, inMemory.loss);
    rmSync(dir, { recursive: true, force: true });
  });
}
