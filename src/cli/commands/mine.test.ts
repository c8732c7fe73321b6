// terrain mine end to end: a run killed with SIGKILL and re-run ends exactly like an uninterrupted one; mined:PATH
// in `terrain curve`; bad input (also a --params pattern that matches nothing) exits with code 2.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));
const ENV = { ...process.env, TERRAIN_NO_PROGRESS: '1' };
const work = mkdtempSync(join(tmpdir(), 'terrain-mine-cli-'));
const model = join(work, 'mlp', 'final.safetensors');

function terrain(args: string[]): { status: number | null; stdout: string; stderr: string; json: Record<string, unknown> | undefined } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: ENV });
  let json: Record<string, unknown> | undefined;
  try { json = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>; } catch { json = undefined; }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, json };
}

before(() => {
  const r = terrain(['train', '--model', 'mlp', '--model-options', '{"widths":[32]}', '--data', 'digits', '--epochs', '5', '--save-every', '0', '--out', join(work, 'mlp')]);
  assert.equal(r.status, 0, r.stderr);
});

const mineArgs = (out: string): string[] => [
  'mine', '--model', model, '--data', 'digits', '--shape', 'vvv-basin', '--steps', '150', '--checkpoint-every', '10',
  '--samples', '600', '--judge-samples', '200', '--in-sample', '0', '--mine-batch', '256', '--threads', '1', '--no-plots', '--out', out,
];

test('kill -9 during mining, then the same command: the run continues from its checkpoint and ends as an uninterrupted run', async () => {
  const straight = join(work, 'straight'), killed = join(work, 'killed');
  const a = terrain([...mineArgs(straight), '--json']);
  assert.equal(a.status, 0, a.stderr);

  const child = spawn(process.execPath, [MAIN, ...mineArgs(killed)], { env: ENV, stdio: 'ignore' });
  const history = join(killed, 'seed-0', 'history.jsonl');
  const steps = (): number => (existsSync(history) ? readFileSync(history, 'utf8').split('\n').filter(Boolean).length : 0);
  const deadline = Date.now() + 60_000;
  while (steps() < 25 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
  const at = steps();
  assert.ok(at >= 25 && at < 150, `killed mid-run (after ${at} of 150 steps)`);
  assert.ok(!existsSync(join(killed, 'result.json')), 'the killed run had not finished');

  const b = terrain([...mineArgs(killed), '--json']);
  assert.equal(b.status, 0, b.stderr);
  const direction = (dir: string): Buffer => readFileSync(join(dir, 'seed-0', 'direction.safetensors'));
  assert.ok(direction(killed).equals(direction(straight)), 'the resumed direction is bit-identical');
  const ra = a.json as { seeds: { type: string; heldOutObjective: number }[] }, rb = b.json as typeof ra;
  assert.equal(rb.seeds[0]!.type, ra.seeds[0]!.type);
  assert.equal(rb.seeds[0]!.heldOutObjective, ra.seeds[0]!.heldOutObjective);
  const lines = readFileSync(join(killed, 'seed-0', 'history.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { step: number }).step);
  assert.deepEqual(lines, Array.from({ length: 150 }, (_, i) => i + 1), 'one history entry per step, none repeated');

  // the mined direction in terrain curve (a run directory stands for its best direction)
  const c = terrain(['curve', '--model', model, '--data', 'digits', '--split', 'test', '--direction', `mined:${killed}`, '--range', '-4:4:51', '--no-plots', '--out', join(work, 'curve'), '--json']);
  assert.equal(c.status, 0, c.stderr);
  assert.match(String(c.json!['direction']), /^mined:.*norm=none:bias-bn=keep:scale=1$/);
});

test('bad input exits with code 2 and a one-line reason', () => {
  const cases: [string[], RegExp][] = [
    [['--shape', 'zigzag'], /--shape 'zigzag' is not one of w-peak, vvv-basin, w-basin, v-side, template:FILE/],
    [['--shape', 'w-peak', '--judge-range', '-1:1:11'], /needs at least 51/],
    [['--shape', 'template:/no/such.json'], /cannot read the file/],
    [['--shape', 'vvv-basin', '--params', '^conv'], /--params '\^conv' matches no parameter tensor; the model's 4 tensors are: layers\.0\.weight, layers\.0\.bias, fc\.weight, fc\.bias/],
    [['--shape', 'vvv-basin', '--params', 'bias$'], /--params 'bias\$'.*leave nothing to mine.*--bias-bn norm/],
  ];
  for (const [extra, message] of cases) {
    const r = terrain(['mine', '--model', model, '--data', 'digits', '--steps', '1', '--out', join(work, 'bad'), ...extra]);
    assert.equal(r.status, 2, `${extra.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.ok(!existsSync(join(work, 'bad')), `${extra.join(' ')}: no run directory is left behind`);
  }
  const c = terrain(['curve', '--model', model, '--data', 'digits', '--direction', `mined:${join(work, 'nothing-here')}`, '--out', join(work, 'bad-curve')]);
  assert.equal(c.status, 2, c.stderr);
  assert.match(c.stderr, /no such file or directory/);
});
