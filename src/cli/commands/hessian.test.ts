// End-to-end: terrain hessian (one point and --checkpoints), eigen:K curves from its output, explain and gmi, on a
// small tanh MLP trained on the bundled digits.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { planResume } from './resume.js';

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));
const ENV = { ...process.env, TERRAIN_NO_PROGRESS: '1' };

function terrain(args: string[]): { status: number | null; stderr: string; json: Record<string, unknown> } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: ENV });
  let json: Record<string, unknown> = {};
  try { json = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>; } catch { /* not JSON */ }
  return { status: r.status, stderr: r.stderr, json };
}

const work = mkdtempSync(join(tmpdir(), 'terrain-hessian-cli-'));
const trained = join(work, 'mlp');
const model = join(trained, 'final.safetensors');
const data = ['--data', 'digits', '--samples', '300', '--threads', '1'];

/** run.json's recorded command line: the command's name once, then its flags (old runs had it twice). */
function recordedCommand(dir: string): string[] {
  return (JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { info: { command: string[] } }).info.command;
}

before(() => {
  const r = terrain(['train', '--model', 'mlp', '--model-options', '{"widths":[32],"activation":"tanh"}', '--data', 'digits', '--epochs', '6', '--save-every', '3', '--threads', '1', '--out', trained]);
  assert.equal(r.status, 0, r.stderr);
});

test('hessian: result.json with eigenvalues, trace and density; run.json provenance; eigen:1 curve has curvature λ₁', () => {
  const out = join(work, 'h');
  const r = terrain(['hessian', '--model', model, ...data, '--top', '2', '--bottom', '1', '--trace', '--trace-samples', '10', '--density', '--density-runs', '2', '--density-steps', '12', '--no-plots', '--out', out, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as { eigenvalues: number[]; bottomEigenvalues: number[]; trace: { mean: number; stderr: number }; density: { grid: number[]; values: number[] }; residuals: { top: number[] } };
  assert.equal(result.eigenvalues.length, 2);
  assert.ok(result.eigenvalues[0]! >= result.eigenvalues[1]! && result.eigenvalues[1]! > 0);
  assert.ok(result.bottomEigenvalues[0]! < result.eigenvalues[1]!);
  assert.ok(result.trace.mean > 0 && result.trace.stderr > 0);
  assert.equal(result.density.grid.length, result.density.values.length);
  assert.deepEqual(r.json['eigenvalues'], result.eigenvalues);
  const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { identity: { model: { sha256: string }; seed: number; data: { hash: string } }; info: { command: string[] } };
  assert.match(run.identity.model.sha256, /^[0-9a-f]{64}$/);
  assert.equal(run.identity.seed, 0);
  assert.deepEqual(run.info.command.slice(0, 3), ['terrain', 'hessian', '--model']);
  for (const f of ['eigen-1.safetensors', 'eigen-2.safetensors', 'eigen-bottom-1.safetensors']) assert.ok(existsSync(join(out, f)), f);

  // Along the unit top eigenvector the curve's second difference at 0 is λ₁ (same data and BN mode).
  const h = 0.02;
  const c = terrain(['curve', '--model', model, ...data, '--direction', 'eigen:1', '--hessian', out, '--range', `${-h}:${h}:3`, '--no-plots', '--out', join(work, 'c-eig'), '--json']);
  assert.equal(c.status, 0, c.stderr);
  const loss = c.json['loss'] as number[];
  const second = (loss[0]! - 2 * loss[1]! + loss[2]!) / (h * h);
  assert.ok(Math.abs(second - result.eigenvalues[0]!) < 0.02 * result.eigenvalues[0]!, `second difference ${second} vs λ₁ ${result.eigenvalues[0]}`);

  const other = terrain(['curve', '--model', join(trained, 'init.safetensors'), ...data, '--direction', 'eigen:1', '--hessian', out, '--range', '-1:1:3', '--no-plots', '--out', join(work, 'c-bad')]);
  assert.equal(other.status, 2);
  assert.match(other.stderr, /computed for another model file/);
});

test('hessian --checkpoints: tr(H) and λ_max at init, every saved epoch and final', () => {
  const out = join(work, 'hc');
  const r = terrain(['hessian', '--checkpoints', trained, ...data, '--trace-samples', '4', '--no-plots', '--out', out, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const rows = r.json['checkpoints'] as { name: string; epoch: number; trace: { mean: number }; lambdaMax: number }[];
  assert.deepEqual(rows.map((x) => x.name), ['init.safetensors', 'epoch-003.safetensors', 'epoch-006.safetensors', 'final.safetensors']);
  assert.deepEqual(rows.map((x) => x.epoch), [0, 3, 6, 6]);
  assert.deepEqual(recordedCommand(out).slice(0, 3), ['terrain', 'hessian', '--checkpoints']);
  for (const x of rows) assert.ok(Number.isFinite(x.trace.mean) && x.lambdaMax > 0, x.name);
});

test('hessian --weights: a state_dict put into the model gives the Hessian of those weights', () => {
  const epoch3 = join(trained, 'epoch-003.safetensors');
  const args = [...data, '--top', '1', '--no-plots', '--json'];
  const direct = terrain(['hessian', '--model', epoch3, ...args, '--out', join(work, 'w-direct')]);
  const viaWeights = terrain(['hessian', '--model', model, '--weights', epoch3, ...args, '--out', join(work, 'w-weights')]);
  assert.equal(direct.status, 0, direct.stderr);
  assert.equal(viaWeights.status, 0, viaWeights.stderr);
  const top = (r: { json: Record<string, unknown> }) => (r.json['eigenvalues'] as number[])[0]!;
  assert.ok(Math.abs(top(viaWeights) - top(direct)) <= 1e-6 * Math.abs(top(direct)), `λ₁ ${top(viaWeights)} vs ${top(direct)}`);
  const final = terrain(['hessian', '--model', model, ...args, '--out', join(work, 'w-final')]);
  assert.ok(Math.abs(top(final) - top(direct)) > 1e-3 * Math.abs(top(direct)), 'the weights file changes the point');
  const both = terrain(['hessian', '--checkpoints', trained, '--weights', epoch3, ...data, '--out', join(work, 'w-x')]);
  assert.equal(both.status, 2);
  assert.match(both.stderr, /--weights goes with --model/);
});

test('explain: prediction and measured curve side by side, within 5% for |λ| ≤ 0.1', async () => {
  const out = join(work, 'e');
  const r = terrain(['explain', '--model', model, ...data, '--direction', 'gaussian:norm=filter:seed=3', '--range', '-0.1:0.1:5', '--no-plots', '--out', out, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as { lambdas: number[]; measured: number[]; predicted: number[]; maxRelativeErrorWithin0_1: number; terms: { loss0: number } };
  [-0.1, -0.05, 0, 0.05, 0.1].forEach((l, i) => assert.ok(Math.abs(result.lambdas[i]! - l) < 1e-12));
  assert.equal(result.predicted[2], result.terms.loss0);
  assert.ok(result.maxRelativeErrorWithin0_1 < 0.05, `max relative error ${result.maxRelativeErrorWithin0_1}`);
  const measured = JSON.parse(readFileSync(join(out, 'measured', 'result.json'), 'utf8')) as { loss: number[] };
  assert.deepEqual(measured.loss, result.measured);
  // the command is recorded once, in the run and its nested curve run, so resume finds the parent from either
  assert.deepEqual(recordedCommand(out).slice(0, 3), ['terrain', 'explain', '--model']);
  assert.deepEqual(recordedCommand(join(out, 'measured')), recordedCommand(out));
  const plan = await planResume(join(out, 'measured'));
  assert.equal(plan.out, out);
  assert.deepEqual(plan.args.slice(0, 2), ['explain', '--model']);
  const again = terrain(['resume', out]);
  assert.equal(again.status, 0, again.stderr);
  assert.deepEqual(again.json['measured'], result.measured);
});

test('gmi: v-basin fraction and normalised curvatures of N Gaussian directions', () => {
  const r = terrain(['gmi', '--model', model, ...data, '--directions', '3', '--range', '-1:1:5', '--trace-samples', '4', '--no-plots', '--out', join(work, 'g'), '--json']);
  assert.equal(r.status, 0, r.stderr);
  const dirs = r.json['directions'] as { spec: string; normalisedCurvature: number }[];
  assert.deepEqual(dirs.map((d) => d.spec), [0, 1, 2].map((s) => `gaussian:norm=filter:seed=${s}:bias-bn=zero:scale=1`));
  const f = r.json['vBasinFraction'] as number;
  assert.ok(f >= 0 && f <= 1);
  assert.ok((r.json['traceOverP'] as { mean: number }).mean > 0);
  assert.deepEqual(recordedCommand(join(work, 'g')).slice(0, 3), ['terrain', 'gmi', '--model']);
});

test('bad input exits 2 with a message naming the flag', () => {
  const both = terrain(['hessian', '--model', model, '--checkpoints', trained, ...data, '--out', join(work, 'x')]);
  assert.equal(both.status, 2);
  assert.match(both.stderr, /either --model CKPT .* or --checkpoints DIR/);
  const params = terrain(['hessian', '--model', model, ...data, '--params', '^conv', '--out', join(work, 'y')]);
  assert.equal(params.status, 2);
  assert.match(params.stderr, /--params '\^conv' matches no parameter/);
  const range = terrain(['gmi', '--model', model, ...data, '--range', '0.1:1:5', '--out', join(work, 'z')]);
  assert.equal(range.status, 2);
  assert.match(range.stderr, /must contain λ = 0/);
});
