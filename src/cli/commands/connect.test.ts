// terrain connect and terrain plane end to end: a curve between two small digits MLPs, a point of it evaluated with
// `eval --model DIR@t=…`, the plane through the end points and the bend with the bend marked; bad input exits 2.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveData } from '../../core/data/index.js';
import { train } from '../../core/train/train.js';
import { buildModel } from '../../ir/zoo/index.js';

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));
const ENV = { ...process.env, TERRAIN_NO_PROGRESS: '1' };
const work = mkdtempSync(join(tmpdir(), 'terrain-connect-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));

function terrain(args: string[]): { status: number | null; stdout: string; stderr: string; json: Record<string, unknown> } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: ENV, timeout: 120_000, killSignal: 'SIGKILL' });
  let json: Record<string, unknown> = {};
  try { json = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>; } catch { /* not JSON */ }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, json };
}

const model = (seed: number) => join(work, `m${seed}`, 'final.safetensors');
const curveDir = join(work, 'curve');

before(async () => {
  // The end points are trained in this process (no extra child processes): two small MLPs on 500 digits.
  const data = resolveData('digits', { split: 'train', samples: 500, seed: 0 });
  for (const seed of [1, 2]) {
    await train({
      model: buildModel({ arch: 'mlp', options: { widths: [32] }, inputShape: [1, 8, 8], classes: 10 }, seed), train: data.selected, test: data.test,
      outDir: join(work, `m${seed}`), meta: {},
      config: { epochs: 4, batch: 32, lr: 0.05, optimizer: { kind: 'sgd', momentum: 0.9, nesterov: false, weightDecay: 0 }, schedule: 'constant', seed, saveEvery: 0, threads: 1 },
    });
  }
  const r = terrain(['connect', '--from', model(1), '--to', model(2), '--data', 'digits', '--samples', '500', '--epochs', '3', '--batch', '32', '--points', '5', '--threads', '1', '--no-plots', '--json', '--out', curveDir]);
  assert.equal(r.status, 0, r.stderr);
});

test('connect: result, bend checkpoint, and eval of DIR@t=0.5 equals the curve\'s test loss there', () => {
  type Rec = { split: string; path: string; lambdas: number[]; loss: number[]; barrier: { height: number } };
  const r = JSON.parse(readFileSync(join(curveDir, 'result.json'), 'utf8')) as { paths: Rec[] };
  const rec = (split: string, path: string) => r.paths.find((p) => p.split === split && p.path === path)!;
  assert.deepEqual(rec('test', 'curve').lambdas, [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(r.paths.map((p) => `${p.split} ${p.path}`), ['train curve', 'train line', 'test curve', 'test line']);
  assert.ok(existsSync(join(curveDir, 'bend-1.safetensors')));
  assert.ok(rec('test', 'curve').barrier.height < rec('test', 'line').barrier.height);
  const e = terrain(['eval', '--model', `${curveDir}@t=0.5`, '--data', 'digits', '--split', 'test', '--batch', '500', '--threads', '1', '--json']);
  assert.equal(e.status, 0, e.stderr);
  assert.equal(e.json['loss'], rec('test', 'curve').loss[2]);
});

test('plane through A, B and the bend: coordinates, bend on the plane, the surface and its figure', () => {
  const out = join(work, 'plane');
  const r = terrain(['plane', '--models', `${model(1)},${model(2)},${join(curveDir, 'bend-1.safetensors')}`, '--curve', curveDir, '--data', 'digits', '--samples', '200', '--grid', '5', '--workers', '1', '--threads', '1', '--json', '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  const p = JSON.parse(readFileSync(join(out, 'plane.json'), 'utf8')) as { models: { x: number; y: number }[]; curve: { bends: { x: number; y: number; offPlane: number }[] }; distances: { AB: number } };
  assert.deepEqual([p.models[0]!.x, p.models[0]!.y], [0, 0]);
  assert.ok(Math.abs(p.models[1]!.x - p.distances.AB) < 1e-4 * p.distances.AB && Math.abs(p.models[1]!.y) < 1e-4);
  const bend = p.curve.bends[0]!;
  assert.ok(Math.abs(bend.x - p.models[2]!.x) < 1e-4 && Math.abs(bend.y - p.models[2]!.y) < 1e-4 && bend.offPlane < 1e-3, JSON.stringify(bend));
  const s = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as { kind: string; x: number[]; y: number[] };
  assert.equal(s.kind, 'surface');
  assert.ok(s.x[0]! < 0 && s.x[4]! > p.distances.AB && s.y[0]! < 0 && s.y[4]! > p.models[2]!.y);
  assert.ok(existsSync(join(out, 'plane.png')));
});

test('bad input exits 2 with a line naming the flag', () => {
  const cases: [string[], RegExp][] = [
    [['plane', '--models', `${model(1)},${model(2)}`, '--data', 'digits', '--out', join(work, 'x')], /--models .* must name three models/],
    [['plane', '--models', `${model(1)},${model(2)},${model(1)}`, '--data', 'digits', '--out', join(work, 'y')], /lies on the line through A/],
    [['eval', '--model', `${model(1)}@t=0.5`, '--data', 'digits'], /run\.json not found; DIR@t=T takes the --out directory of terrain connect/],
  ];
  for (const [args, msg] of cases) {
    const r = terrain(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, msg);
  }
});
