// `--tolerance` end to end: flags checked before anything is loaded, the run's identity, the result's new fields.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'terrain-tolerance-'));
const model = join(work, 'm', 'final.safetensors');

function terrain(args: string[]): { status: number | null; stderr: string; json: Record<string, unknown> | undefined } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, TERRAIN_NO_PROGRESS: '1' } });
  let json: Record<string, unknown> | undefined;
  try { json = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>; } catch { json = undefined; }
  return { status: r.status, stderr: r.stderr, json };
}

const curve = (out: string, ...extra: string[]): string[] =>
  ['curve', '--model', model, '--data', 'digits', '--direction', 'gaussian:seed=4', '--range', '-1:1:9', '--batch', '64', '--no-plots', '--json', '--out', join(work, out), ...extra];

before(() => {
  assert.equal(terrain(['train', '--model', 'mlp', '--data', 'digits', '--epochs', '2', '--seed', '0', '--save-every', '0', '--out', join(work, 'm')]).status, 0);
});

test('bad --tolerance flags exit 2 with the fix, before the model is read', () => {
  for (const [extra, message] of [
    [['--tolerance', 'abc'], /--tolerance 'abc' is not a positive loss difference/],
    [['--tolerance', '0%'], /--tolerance '0%'/],
    [['--min-samples', '64'], /--min-samples only applies with --tolerance/],
    [['--sample-seed', '1'], /--sample-seed only applies with --tolerance/],
    [['--tolerance', '1%', '--refine', '2%', '--queue', 'redis://127.0.0.1:6379'], /--refine does not work with --queue yet/],
  ] as const) {
    const r = terrain(['curve', '--model', '/nonexistent.safetensors', '--data', 'digits', '--direction', 'gaussian', '--out', join(work, 'x'), ...extra]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, message);
  }
});

test('a tolerance curve records its options in run.json and its samples and errors in the result; a plain one does not', () => {
  const plain = terrain(curve('plain'));
  assert.equal(plain.status, 0, plain.stderr);
  assert.equal(plain.json!['samples'], undefined);
  assert.equal((JSON.parse(readFileSync(join(work, 'plain', 'run.json'), 'utf8')) as { identity: Record<string, unknown> }).identity['adaptive'], undefined);

  const tol = terrain(curve('tol', '--tolerance', '0.02', '--min-samples', '128', '--sample-seed', '5'));
  assert.equal(tol.status, 0, tol.stderr);
  const run = JSON.parse(readFileSync(join(work, 'tol', 'run.json'), 'utf8')) as { identity: Record<string, unknown> };
  assert.deepEqual(run.identity['adaptive'], { tolerance: '0.02', minSamples: 128, permutationSeed: 5 });
  const samples = tol.json!['samples'] as number[], se = tol.json!['lossSampleStderr'] as number[];
  const a = tol.json!['adaptive'] as { population: number; target: number };
  assert.equal(a.target, 0.02);
  samples.forEach((n, i) => assert.ok(n >= 128 && (n === a.population ? se[i] === 0 : se[i]! <= 0.02), `point ${i}: ${n} samples, error ${se[i]}`));
  // Points on the whole split are the plain run's values.
  const loss = tol.json!['loss'] as number[], plainLoss = plain.json!['loss'] as number[];
  samples.forEach((n, i) => { if (n === a.population) assert.equal(loss[i], plainLoss[i]); });

  const other = terrain(curve('tol', '--tolerance', '0.05', '--min-samples', '128', '--sample-seed', '5'));
  assert.equal(other.status, 2);
  assert.match(other.stderr, /'adaptive\.tolerance' differs from the existing run \("0\.02" there, "0\.05" now\)/);
});
