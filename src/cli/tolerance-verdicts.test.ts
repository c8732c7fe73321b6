// --tolerance on the commands whose verdicts are curve types (gmi, explain, mine): the flags are checked like
// curve's, the tolerance is recorded, and each type comes with its confidence.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'terrain-tolerance-verdicts-'));
const model = join(work, 'm', 'final.safetensors');

function terrain(args: string[]): { status: number | null; stderr: string; json: Record<string, unknown> | undefined } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, TERRAIN_NO_PROGRESS: '1' } });
  let json: Record<string, unknown> | undefined;
  try { json = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>; } catch { json = undefined; }
  return { status: r.status, stderr: r.stderr, json };
}
const readJson = (...p: string[]): Record<string, unknown> => JSON.parse(readFileSync(join(work, ...p), 'utf8')) as Record<string, unknown>;

before(() => {
  assert.equal(terrain(['train', '--model', 'mlp', '--data', 'digits', '--epochs', '2', '--seed', '0', '--save-every', '0', '--out', join(work, 'm')]).status, 0);
});

test('bad tolerance flags on gmi, explain and mine exit 2 naming the flag', () => {
  for (const [args, message] of [
    [['gmi', '--min-samples', '64'], /--min-samples only applies with --tolerance/],
    [['explain', '--direction', 'gaussian', '--tolerance', 'x'], /--tolerance 'x' is not a positive loss difference/],
    [['gmi', '--tolerance', '1%', '--loss', 'mse'], /--loss mse does not work with --tolerance yet/],
    [['mine', '--shape', 'w-peak', '--steps', '1', '--sample-seed', '2'], /--sample-seed only applies with --tolerance/],
  ] as const) {
    const r = terrain([...args, '--model', model, '--data', 'digits', '--out', join(work, 'bad')]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, message);
  }
});

test('gmi --tolerance: each curve a tolerance run, typed with its confidence; the tolerance in run.json and the result', () => {
  const r = terrain(['gmi', '--model', model, '--data', 'digits', '--directions', '2', '--range', '-1:1:7', '--trace-samples', '0', '--tolerance', '2%', '--min-samples', '128', '--no-plots', '--json', '--out', join(work, 'gmi')]);
  assert.equal(r.status, 0, r.stderr);
  const result = readJson('gmi', 'result.json');
  assert.deepEqual(result['tolerance'], { tolerance: '2%', minSamples: 128, permutationSeed: 0 });
  assert.deepEqual((readJson('gmi', 'run.json')['identity'] as Record<string, unknown>)['tolerance'], result['tolerance']);
  const dirs = result['directions'] as { measuredType: string; typeConfidence: number; uncertain: boolean; samples: number[] }[];
  for (const [k, d] of dirs.entries()) {
    const curve = readJson('gmi', 'curves', String(k), 'result.json');
    assert.equal(d.measuredType, curve['type']);
    assert.equal(d.typeConfidence, curve['typeConfidence']);
    assert.ok(Array.isArray(curve['lossCovariance']) && d.samples.every((n) => n >= 128));
  }
  assert.equal(result['uncertainCurves'], dirs.filter((d) => d.uncertain).length);
});

test('explain --tolerance records the measured curve\'s errors and type confidence; mine\'s verdict carries them', () => {
  const e = terrain(['explain', '--model', model, '--data', 'digits', '--direction', 'gaussian:seed=3', '--range', '-0.5:0.5:5', '--tolerance', '0.05', '--no-plots', '--json', '--out', join(work, 'explain')]);
  assert.equal(e.status, 0, e.stderr);
  const x = readJson('explain', 'result.json');
  assert.equal((x['tolerance'] as { tolerance: string }).tolerance, '0.05');
  assert.equal((x['measuredStderr'] as number[]).length, 5);
  assert.equal(typeof x['typeConfidence'], 'number');

  const m = terrain(['mine', '--model', model, '--data', 'digits', '--shape', 'w-peak', '--steps', '2', '--restarts', '1', '--in-sample', '0', '--judge-samples', '300', '--tolerance', '5%', '--min-samples', '64', '--no-plots', '--json', '--out', join(work, 'mine')]);
  assert.equal(m.status, 0, m.stderr);
  const mr = readJson('mine', 'result.json');
  assert.equal((mr['tolerance'] as { tolerance: string }).tolerance, '5%');
  const seed = (mr['seeds'] as { type: string; success: boolean; typeConfidence: number; uncertain: boolean }[])[0]!;
  assert.equal(typeof seed.typeConfidence, 'number');
  assert.equal(seed.success, seed.type === 'w-peak' && !seed.uncertain);
  assert.ok(Array.isArray(readJson('mine', 'seed-0', 'heldout', 'result.json')['lossCovariance']));
});
