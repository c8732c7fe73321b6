// End-to-end: --params on curve and gmi (a pattern matching nothing; a restricted curve equals the full direction zeroed
// elsewhere, bit for bit), terrain layers and terrain sharpness on a small MLP trained on the bundled digits.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensors, writeSafetensors } from '../../ir/safetensors.js';

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));
const ENV = { ...process.env, TERRAIN_NO_PROGRESS: '1' };

function terrain(args: string[]): { status: number | null; stderr: string; stdout: string; json: Record<string, unknown> } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: ENV, timeout: 120_000, killSignal: 'SIGKILL' });
  let json: Record<string, unknown> = {};
  try { json = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>; } catch { /* not JSON */ }
  return { status: r.status, stderr: r.stderr, stdout: r.stdout, json };
}

const work = mkdtempSync(join(tmpdir(), 'terrain-sharpness-cli-'));
const a = join(work, 'a');
const data = ['--data', 'digits', '--samples', '200', '--threads', '1'];
const MLP = ['--model', 'mlp', '--model-options', '{"widths":[16]}'];

before(() => {
  const r = terrain(['train', ...MLP, '--data', 'digits', '--epochs', '3', '--batch', '32', '--save-every', '0', '--threads', '1', '--out', a]);
  assert.equal(r.status, 0, r.stderr);
});

test('curve --params: a pattern matching nothing is exit 2 naming it and the tensors; a restricted curve is the full direction zeroed elsewhere', () => {
  const model = join(a, 'final.safetensors');
  const none = terrain(['curve', '--model', model, ...data, '--direction', 'gaussian:seed=2', '--params', 'layer3', '--out', join(work, 'none')]);
  assert.equal(none.status, 2, none.stderr);
  assert.match(none.stderr, /--params 'layer3' matches no parameter tensor; the model's 4 tensors are: layers\.0\.weight, layers\.0\.bias, fc\.weight, fc\.bias/);

  const range = ['--range', '-1:1:7', '--no-plots', '--json'];
  const full = terrain(['curve', '--model', model, ...data, '--direction', 'gaussian:seed=2', ...range, '--out', join(work, 'full')]);
  assert.equal(full.status, 0, full.stderr);
  // The full filter-normalised direction with every tensor but fc.weight set to 0, as a file direction.
  const saved = readSafetensors(join(work, 'full', 'direction.safetensors'));
  for (const [name, t] of saved.tensors) if (name !== 'fc.weight') (t.data as Float32Array).fill(0);
  const zeroed = join(work, 'zeroed.safetensors');
  writeSafetensors(zeroed, saved.tensors, {});
  const byFile = terrain(['curve', '--model', model, ...data, '--direction', `file:${zeroed}`, ...range, '--out', join(work, 'file')]);
  const restricted = terrain(['curve', '--model', model, ...data, '--direction', 'gaussian:seed=2', '--params', '^fc\\.weight$', ...range, '--out', join(work, 'restricted')]);
  assert.equal(byFile.status, 0, byFile.stderr);
  assert.equal(restricted.status, 0, restricted.stderr);
  assert.deepEqual(restricted.json['loss'], byFile.json['loss']);
  assert.notDeepEqual(restricted.json['loss'], full.json['loss']);
  const run = JSON.parse(readFileSync(join(work, 'restricted', 'run.json'), 'utf8')) as { identity: { directions: { spec: string }[] } };
  assert.match(run.identity.directions[0]!.spec, /\[params \/\^fc\\\.weight\$\/\]$/);
});

test('gmi --params: directions and tr(H)/P over the subset; the pattern is part of the run identity', () => {
  const out = join(work, 'gmi');
  const r = terrain(['gmi', '--model', join(a, 'final.safetensors'), ...data, '--directions', '2', '--range', '-1:1:3', '--trace-samples', '2', '--params', '^fc\\.', '--no-plots', '--out', out, '--json']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.json['parameters'], 16 * 10 + 10);
  const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { identity: { params?: string } };
  assert.equal(run.identity.params, '^fc\\.');
});

test('layers: one curve per block and the (all) row, each with εᵀHε/‖ε‖² and λ_max', () => {
  const r = terrain(['layers', '--model', join(a, 'final.safetensors'), ...data, '--range', '-1:1:5', '--group-depth', '2', '--no-plots', '--out', join(work, 'layers'), '--json']);
  assert.equal(r.status, 0, r.stderr);
  const blocks = r.json['blocks'] as { block: string; loss: number[]; curvature: number; lambdaMax: { value: number } }[];
  assert.deepEqual(blocks.map((x) => x.block), ['(all)', 'layers.0', 'fc']);
  for (const x of blocks) assert.ok(x.loss.length === 5 && x.lambdaMax.value > 0 && Number.isFinite(x.curvature), x.block);
  // Each block's λ_max is that of a principal sub-block, so it cannot exceed the full Hessian's.
  for (const x of blocks.slice(1)) assert.ok(x.lambdaMax.value <= blocks[0]!.lambdaMax.value * (1 + 1e-4), `${x.block}: ${x.lambdaMax.value} > ${blocks[0]!.lambdaMax.value}`);
});

test('sharpness: a table with errors for the checkpoints of a training directory (CSV, result.json, orderings)', () => {
  const out = join(work, 'sharp');
  const common = ['--trace-samples', '4', '--epsilon-steps', '3', '--directions', '3', '--basin-steps', '6', '--bisections', '4'];
  const r = terrain(['sharpness', '--models', a, ...data, ...common, '--out', out, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const models = r.json['models'] as { name: string; epoch: number; lambdaMax: { value: number }; traceOverP: { mean: number; stderr: number }; lossIncrease: { stderr: number }; basinWidth: { mean: number } }[];
  assert.deepEqual(models.map((m) => [m.name, m.epoch]), [['init', 0], ['final', 3]]);
  for (const m of models) assert.ok(m.lambdaMax.value > 0 && m.traceOverP.stderr > 0 && m.lossIncrease.stderr > 0 && m.basinWidth.mean > 0, m.name);
  assert.equal(typeof r.json['orderingsAgree'], 'boolean');
  const csv = readFileSync(join(out, 'sharpness.csv'), 'utf8').trim().split('\n');
  assert.equal(csv.length, 3);
  assert.match(csv[0]!, /^model,path,epoch,loss,parameters,lambda_max,lambda_max_residual,trace_over_p,trace_over_p_stderr,epsilon_sharpness/);
  const bad = terrain(['sharpness', '--models', join(work, 'nothing-here'), ...data, '--out', join(work, 'sharp-bad')]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--models: '.*nothing-here' does not exist/);
});
