// --normalize end to end against PyTorch: a user's tensors, saved as the model saw them, give PyTorch's loss exactly
// (npy data are used as given by default), fixed MEAN,STD on the raw images reproduces transforms.Normalize, and the
// normalisation in force is printed once and recorded in run.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPython, torchAvailable } from '../testing/pytorch.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const terrain = (args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 120_000 });
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;

test('npy data as given: terrain eval equals PyTorch within 1e-6; MEAN,STD reproduces Normalize; run.json records it', async (t) => {
  if (!torchAvailable()) { t.skip('python3-torch not installed'); return; }
  const dir = mkdtempSync(join(tmpdir(), 'terrain-normalize-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const ref = JSON.parse(runPython('npy_as_given.py', [dir]).trim()) as { loss: number; mean: number[]; std: number[] };
  const model = join(dir, 'model.onnx'), y = join(dir, 'y.npy');
  const evalLoss = (x: string, extra: string[] = []) => {
    const r = terrain(['eval', '--model', model, '--data', `npy:${join(dir, x)},${y}`, '--split', 'all', '--threads', '1', '--json', ...extra]);
    assert.equal(r.status, 0, r.stderr);
    return { loss: lastJson(r.stdout)['loss'] as number, stderr: r.stderr, data: lastJson(r.stdout)['data'] as Record<string, unknown> };
  };
  const rel = (v: number) => Math.abs(v - ref.loss) / ref.loss;

  const given = evalLoss('x.npy');
  assert.ok(rel(given.loss) <= 1e-6, `loss ${given.loss} vs PyTorch ${ref.loss}`);
  assert.equal(given.data['normalize'], 'none');
  assert.equal(given.stderr.match(/--normalize none \(values as given\)/g)?.length, 1, given.stderr);

  const fixed = evalLoss('raw.npy', ['--normalize', `${ref.mean.join(';')},${ref.std.join(';')}`]);
  assert.ok(rel(fixed.loss) <= 1e-6, `raw images with --normalize MEAN,STD: ${fixed.loss} vs ${ref.loss}`);

  // Re-standardising with the data's own statistics (the old default) moves the loss well past rounding.
  const again = evalLoss('x.npy', ['--normalize', 'per-channel']);
  assert.ok(rel(again.loss) > 1e-4, `per-channel on already normalised data: ${again.loss} vs ${ref.loss}`);

  const bad = terrain(['eval', '--model', model, '--data', `npy:${join(dir, 'x.npy')},${y}`, '--normalize', '0.5']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--normalize '0\.5'.*MEAN,STD/);

  const out = join(dir, 'curve');
  const c = terrain(['curve', '--model', model, '--data', `npy:${join(dir, 'x.npy')},${y}`, '--split', 'all', '--direction', 'gaussian:seed=1',
    '--range', '-0.1:0.1:3', '--out', out, '--threads', '1', '--workers', '1', '--no-plots', '--json']);
  assert.equal(c.status, 0, c.stderr);
  const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { identity: { data: { normalize: string } } };
  assert.equal(run.identity.data.normalize, 'none');
  assert.ok(Math.abs((lastJson(c.stdout)['loss'] as number[])[1]! - ref.loss) <= 1e-6 * ref.loss);
});
