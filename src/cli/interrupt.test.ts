// A surface in progress: a second writer into its directory is refused (exit 2, naming the holder), Ctrl-C and
// SIGTERM stop it with 130/143 and one line saying how to resume, and the kept points are not computed again.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const ENV = { ...process.env, TERRAIN_NO_PROGRESS: '1' };
const work = mkdtempSync(join(tmpdir(), 'terrain-interrupt-'));
const model = join(work, 'mlp', 'final.safetensors');

const surface = (out: string, side: number, ySeed = 2): string[] =>
  ['surface', '--model', model, '--data', 'digits', '--x', 'gaussian:seed=1', '--y', `gaussian:seed=${ySeed}`,
    '--x-range', `-1:1:${side}`, '--y-range', `-1:1:${side}`, '--out', out, '--no-plots'];

function terrain(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: ENV, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const pointsIn = (dir: string): number => (existsSync(join(dir, 'points.jsonl')) ? readFileSync(join(dir, 'points.jsonl'), 'utf8').split('\n').filter(Boolean).length : 0);

/** Starts a run and resolves once it has `n` points on disk (rejects if it ends first). */
async function startAndWait(args: string[], dir: string, n: number): Promise<{ child: ChildProcess; exit: Promise<{ code: number | null; signal: string | null; stderr: string }> }> {
  const child = spawn(process.execPath, [MAIN, ...args], { env: ENV, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  const exit = new Promise<{ code: number | null; signal: string | null; stderr: string }>((r) => child.once('exit', (code, signal) => r({ code, signal, stderr })));
  await new Promise<void>((resolve, reject) => {
    const t = setInterval(() => { if (pointsIn(dir) >= n) { clearInterval(t); resolve(); } }, 5);
    void exit.then((e) => { clearInterval(t); reject(new Error(`the run ended before ${n} points (exit ${e.code}): ${e.stderr}`)); });
  });
  return { child, exit };
}

before(() => {
  const r = terrain(['train', '--model', 'mlp', '--data', 'digits', '--epochs', '1', '--seed', '0', '--save-every', '0', '--out', join(work, 'mlp')]);
  assert.equal(r.status, 0, r.stderr);
});

test('a second surface into a directory in use is refused with exit 2 naming the holder; Ctrl-C then exits 130 keeping the points', async () => {
  const dir = join(work, 'busy');
  const { child, exit } = await startAndWait(surface(dir, 50), dir, 3);
  for (const args of [surface(dir, 50), surface(dir, 50, 3)]) { // the same configuration, another one
    const r = terrain(args);
    assert.equal(r.status, 2, r.stderr);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('terrain:'));
    assert.equal(errors.length, 1, r.stderr);
    assert.match(errors[0]!, new RegExp(`^terrain: ${dir}: run directory in use by another terrain process \\(pid ${child.pid} on host [^,]+, since [^:]+:\\d\\d:[\\d.]+Z: terrain surface `));
  }
  child.kill('SIGINT');
  const e = await exit;
  assert.equal(e.code, 130, e.stderr);
  assert.doesNotMatch(e.stderr, /internal error/);
  assert.match(e.stderr, new RegExp(`\\nterrain: interrupted \\(SIGINT\\); finished points are kept in ${dir}; resume with: terrain resume ${dir}\\n$`));
  const kept = pointsIn(dir);
  assert.ok(kept >= 3 && kept < 2500, `${kept} points kept`);
  assert.equal(existsSync(join(dir, 'run.lock')), false, 'the lock is released');
  assert.equal(existsSync(join(dir, 'result.json')), false);
});

test('SIGTERM exits 143; terrain resume computes only the points that were not kept', async () => {
  const dir = join(work, 'term');
  const { child, exit } = await startAndWait(surface(dir, 12), dir, 3);
  child.kill('SIGTERM');
  const e = await exit;
  assert.equal(e.code, 143, e.stderr);
  assert.match(e.stderr, /\nterrain: interrupted \(SIGTERM\); finished points are kept in .*; resume with: terrain resume .*\n$/);
  const kept = pointsIn(dir);
  assert.ok(kept >= 3 && kept < 144, `${kept} points kept`);
  const r = terrain(['resume', dir]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`resumed: ${kept} points were already in `));
  assert.equal(pointsIn(dir), 144, 'no point twice');
  const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as { loss: number[][] };
  assert.equal(result.loss.flat().length, 144);
});
