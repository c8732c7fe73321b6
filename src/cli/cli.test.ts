// End-to-end tests of the `terrain` command on the bundled digits data.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCheckpoint } from '../ir/checkpoint.js';
import { writeSafetensors } from '../ir/safetensors.js';
import { resolveData } from '../core/data/index.js';
import { crossCheckSkip, PYTHON_DIR, pythonPath } from '../testing/python.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const ENV = { ...process.env, TERRAIN_NO_PROGRESS: '1' };

function terrain(args: string[]): { status: number | null; stdout: string; stderr: string; json: Record<string, unknown> | undefined } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: ENV });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  let json: Record<string, unknown> | undefined;
  try { json = JSON.parse(last) as Record<string, unknown>; } catch { json = undefined; }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, json };
}

const work = mkdtempSync(join(tmpdir(), 'terrain-cli-'));
const trained = join(work, 'mlp');
let trainJson: Record<string, unknown>;

before(() => {
  const r = terrain(['train', '--model', 'mlp', '--data', 'digits', '--epochs', '20', '--seed', '0', '--out', trained, '--json']);
  assert.equal(r.status, 0, r.stderr);
  trainJson = r.json!;
});

test('train reaches ≥ 95% on digits and eval reproduces the test loss to 1e-6', () => {
  assert.ok(typeof trainJson['testLoss'] === 'number' && typeof trainJson['testAccuracy'] === 'number');
  assert.ok((trainJson['testAccuracy'] as number) >= 0.95, `test accuracy ${trainJson['testAccuracy']}`);
  for (const f of ['init.safetensors', 'epoch-001.safetensors', 'epoch-020.safetensors', 'final.safetensors', 'train.json']) assert.ok(existsSync(join(trained, f)), f);
  const e = terrain(['eval', '--model', join(trained, 'final.safetensors'), '--data', 'digits', '--split', 'test', '--json']);
  assert.equal(e.status, 0, e.stderr);
  assert.ok(Math.abs((e.json!['loss'] as number) - (trainJson['testLoss'] as number)) <= 1e-6);
  assert.equal(e.json!['accuracy'], trainJson['testAccuracy']);
});

test('the exported ONNX file evaluates exactly like its checkpoint', () => {
  const onnx = join(work, 'mlp.onnx');
  assert.equal(terrain(['export-onnx', join(trained, 'final.safetensors'), '--out', onnx]).status, 0);
  const a = terrain(['eval', '--model', onnx, '--data', 'digits', '--json']);
  assert.equal(a.status, 0, a.stderr);
  assert.equal(a.json!['loss'], trainJson['testLoss']);
});

test('the same seed gives identical weights (BN model: cnn-small)', () => {
  const run = (out: string): Map<string, number[]> => {
    const r = terrain(['train', '--model', 'cnn-small', '--data', 'digits', '--epochs', '2', '--seed', '7', '--save-every', '0', '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    return new Map([...loadCheckpoint(join(out, 'final.safetensors')).tensors].map(([k, t]) => [k, [...t.data as Float32Array]]));
  };
  const a = run(join(work, 'det-a')), b = run(join(work, 'det-b'));
  assert.deepEqual([...a.keys()], [...b.keys()]);
  for (const [k, v] of a) assert.deepEqual(v, b.get(k), k);
  assert.ok(a.has('bn1.running_mean') || [...a.keys()].some((k) => k.endsWith('running_mean')));
});

test('bad input exits 2 with a one-line message naming the flag or file', () => {
  const cases: [string[], RegExp][] = [
    [['train', '--model', 'nope', '--data', 'digits', '--out', join(work, 'x')], /--model 'nope' is not in the zoo/],
    [['eval', '--model', join(work, 'missing.safetensors'), '--data', 'digits'], /missing\.safetensors: cannot read/],
    [['eval', '--model', join(trained, 'final.safetensors'), '--data', 'fashion-mnist:/nonexistent'], /nonexistent/],
    [['curve', '--model', join(trained, 'final.safetensors'), '--data', 'digits', '--direction', 'gaussian:norm=bad', '--out', join(work, 'y')], /norm='bad'/],
    [['curve', '--model', join(trained, 'final.safetensors'), '--data', 'digits', '--direction', 'gaussian', '--range', '1:2', '--out', join(work, 'y')], /--range '1:2'/],
    [['train', '--model', 'mlp', '--data', 'digits', '--epochs', 'many', '--out', join(work, 'x')], /--epochs 'many'/],
  ];
  for (const [args, pattern] of cases) {
    const r = terrain(args);
    assert.equal(r.status, 2, `${args.join(' ')} → ${r.status}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trim().split('\n').length <= 2, true, r.stderr);
  }
});

test('Gaussian FilNorm curves around the trained model are v-basins for ≥ 9 of 10 seeds', () => {
  let v = 0;
  for (let s = 0; s < 10; s++) {
    const r = terrain(['curve', '--model', join(trained, 'final.safetensors'), '--data', 'digits', '--direction', `gaussian:seed=${s}`, '--range', '-1:1:25', '--out', join(work, `g${s}`), '--json', '--no-plots']);
    assert.equal(r.status, 0, r.stderr);
    if (r.json!['type'] === 'v-basin') v++;
  }
  assert.ok(v >= 9, `${v}/10 v-basins`);
});

test('a surface killed with SIGKILL resumes to the same result as an uninterrupted run', async () => {
  const model = join(trained, 'final.safetensors');
  const args = (out: string): string[] => ['surface', '--model', model, '--data', 'digits', '--x', 'gaussian:seed=1', '--y', 'gaussian:seed=2', '--x-range', '-1:1:9', '--y-range', '-1:1:7', '--out', out, '--no-plots', '--threads', '1'];
  const whole = join(work, 'surf-whole'), cut = join(work, 'surf-cut');
  assert.equal(terrain(args(whole)).status, 0);
  const child = spawn(process.execPath, [MAIN, ...args(cut)], { env: ENV, stdio: 'ignore' });
  const points = join(cut, 'points.jsonl');
  await new Promise<void>((resolve, reject) => {
    const t = setInterval(() => {
      const n = existsSync(points) ? readFileSync(points, 'utf8').split('\n').filter(Boolean).length : 0;
      if (n >= 10) { clearInterval(t); child.kill('SIGKILL'); resolve(); }
    }, 5);
    child.on('exit', () => { clearInterval(t); reject(new Error('the run finished before it could be killed')); });
  });
  await new Promise((r) => child.once('exit', r));
  assert.ok(!existsSync(join(cut, 'result.json')));
  const done = readFileSync(points, 'utf8').split('\n').filter(Boolean).length;
  assert.ok(done < 63, `${done} points were done before the kill`);
  const r = terrain(['resume', cut]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(join(cut, 'result.json'), 'utf8'), readFileSync(join(whole, 'result.json'), 'utf8'));
});

test('MLI (init → final) has no bump; two independently trained models make a w-basin', () => {
  const model = join(trained, 'final.safetensors');
  const mli = terrain(['curve', '--model', model, '--data', 'digits', '--direction', `to:${join(trained, 'init.safetensors')}`, '--range', '0:1:26', '--out', join(work, 'mli'), '--json', '--no-plots']);
  assert.equal(mli.status, 0, mli.stderr);
  assert.equal(mli.json!['type'], 'monotone', `MLI curve is ${mli.json!['type']}`);
  const other = join(work, 'mlp-seed1');
  assert.equal(terrain(['train', '--model', 'mlp', '--data', 'digits', '--epochs', '20', '--seed', '1', '--save-every', '0', '--out', other]).status, 0);
  const two = terrain(['curve', '--model', model, '--data', 'digits', '--direction', `to:${join(other, 'final.safetensors')}`, '--range', '-0.5:1.5:41', '--out', join(work, 'two'), '--json', '--no-plots']);
  assert.equal(two.status, 0, two.stderr);
  assert.equal(two.json!['type'], 'w-basin');
});

test('PyTorch loads final.safetensors by parameter names and gets the same test loss (relative 1e-5)', (t) => {
  const skip = crossCheckSkip('torch');
  if (skip) { t.skip(skip); return; }
  const test = resolveData('digits', { split: 'test' }).selected;
  const file = join(work, 'digits-test.safetensors');
  writeSafetensors(file, new Map([
    ['x', { dtype: 'float32', dims: [test.count, ...test.shape], data: test.x }],
    ['y', { dtype: 'int64', dims: [test.count], data: BigInt64Array.from(test.y, (v) => BigInt(v)) }],
  ]));
  const r = spawnSync(pythonPath(), [join(PYTHON_DIR, 'checkpoint_loss.py'), join(trained, 'final.safetensors'), file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const torchLoss = (JSON.parse(r.stdout) as { loss: number }).loss;
  const ours = trainJson['testLoss'] as number;
  assert.ok(Math.abs(torchLoss - ours) <= 1e-5 * Math.abs(torchLoss), `PyTorch ${torchLoss} vs terrain ${ours}`);
});

// FilNorm scales the gradient to θ's filter norms, so its basin lies near λ = 0.1: the range resolves it.
test('the negative gradient at an early checkpoint gives a v-side curve', () => {
  const r = terrain(['curve', '--model', join(trained, 'epoch-001.safetensors'), '--data', 'digits', '--direction', 'gradient', '--range', '-0.25:0.25:41', '--out', join(work, 'neg-grad'), '--json', '--no-plots']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.json!['type'], 'v-side', `negative-gradient curve is ${r.json!['type']}`);
});
