// --loss end to end against PyTorch: models exported from PyTorch whose loss is not softmax cross-entropy (one-logit
// BCE, multi-label BCE, MSE regression on float targets, NLL on log-probabilities): eval's loss within 1e-6 and the
// top Hessian eigenvalue within 1e-4 of PyTorch's (full float64 Hessian), curve and surface centres within 1e-6;
// a loss that does not fit is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPython, torchAvailable } from '../testing/pytorch.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const terrain = (args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, TERRAIN_NO_PROGRESS: '1' } });
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;

const CASES = [
  { id: 'binary', loss: 'bce', accuracy: true },
  { id: 'multi', loss: 'bce', accuracy: true },
  { id: 'regress', loss: 'mse', accuracy: false },
  { id: 'nll', loss: 'nll', accuracy: true },
];

test('--loss bce|mse|nll: eval, hessian, curve, surface, explain and gmi equal PyTorch; cross-entropy on a one-logit model is refused', async (t) => {
  if (!torchAvailable()) { t.skip('python3-torch not installed'); return; }
  const dir = mkdtempSync(join(tmpdir(), 'terrain-loss-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const ref = JSON.parse(runPython('loss_models.py', [dir]).trim()) as Record<string, { loss: number; top: number }>;
  const data = (id: string) => ['--model', join(dir, `${id}.onnx`), '--data', `npy:${join(dir, `${id}.x.npy`)},${join(dir, `${id}.y.npy`)}`, '--split', 'all', '--threads', '1'];
  for (const c of CASES) {
    await t.test(`${c.id} --loss ${c.loss}`, () => {
      const e = terrain(['eval', ...data(c.id), '--loss', c.loss, '--json']);
      assert.equal(e.status, 0, e.stderr);
      const r = lastJson(e.stdout);
      const want = ref[c.id]!;
      assert.ok(Math.abs((r['loss'] as number) - want.loss) <= 1e-6 * want.loss, `loss ${r['loss']} vs PyTorch ${want.loss}`);
      assert.equal(r['lossKind'], c.loss);
      if (c.accuracy) assert.equal(typeof r['accuracy'], 'number');
      else assert.deepEqual([r['accuracy'], typeof r['accuracyNote']], [null, 'string']);
      const out = join(dir, `h-${c.id}`);
      const h = terrain(['hessian', ...data(c.id), '--loss', c.loss, '--top', '1', '--no-plots', '--out', out, '--json']);
      assert.equal(h.status, 0, h.stderr);
      const top = (lastJson(h.stdout)['eigenvalues'] as number[])[0]!;
      assert.ok(Math.abs(top - want.top) <= 1e-4 * want.top, `λ₁ ${top} vs PyTorch ${want.top}`);
      const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { identity: { data: { loss: string } } };
      assert.equal(run.identity.data.loss, c.loss, 'the loss is part of the run identity');
    });
  }
  const ce = terrain(['eval', ...data('binary')]);
  assert.equal(ce.status, 2);
  assert.match(ce.stderr, /--loss cross-entropy needs at least 2 classes.*one column.*use --loss bce/);
  const mine = terrain(['mine', ...data('regress'), '--loss', 'mse', '--shape', 'w-peak', '--restarts', '1', '--steps', '3', '--mine-batch', '4', '--in-sample', '0', '--out', join(dir, 'm'), '--no-plots', '--json']);
  assert.equal(mine.status, 0, mine.stderr);
  const mined = JSON.parse(readFileSync(join(dir, 'm', 'run.json'), 'utf8')) as { identity: { mining: { loss: string }; heldOut: { loss: string } } };
  assert.deepEqual([mined.identity.mining.loss, mined.identity.heldOut.loss], ['mse', 'mse']);
  const train = terrain(['train', '--model', 'mlp', '--data', `npy:${join(dir, 'regress.x.npy')},${join(dir, 'regress.y.npy')}`, '--epochs', '1', '--out', join(dir, 'tr')]);
  assert.equal(train.status, 2);
  assert.match(train.stderr, /terrain train fits classifiers .* float targets \(regression\)/);
  const regressCe = terrain(['eval', ...data('regress')]);
  assert.equal(regressCe.status, 2);
  assert.match(regressCe.stderr, /needs integer class labels.*float targets.*use --loss mse/);
  // Landscapes under another loss: the centre is PyTorch's loss, the loss is in the run's identity.
  const curve = terrain(['curve', ...data('binary'), '--loss', 'bce', '--direction', 'gradient', '--range', '-0.5:0.5:3', '--out', join(dir, 'c'), '--no-plots', '--json']);
  assert.equal(curve.status, 0, curve.stderr);
  const centre = (lastJson(curve.stdout)['loss'] as number[])[1]!;
  assert.ok(Math.abs(centre - ref['binary']!.loss) <= 1e-6 * ref['binary']!.loss, `curve at λ = 0: ${centre} vs ${ref['binary']!.loss}`);
  const surface = terrain(['surface', ...data('regress'), '--loss', 'mse', '--x', 'gaussian:seed=1', '--y', 'eigen:1', '--x-range', '-0.2:0.2:3', '--y-range', '-0.2:0.2:3', '--out', join(dir, 's'), '--no-plots', '--json']);
  assert.equal(surface.status, 0, surface.stderr);
  const s = lastJson(surface.stdout) as { loss: number[][]; accuracy: (number | null)[][] };
  assert.ok(Math.abs(s.loss[1]![1]! - ref['regress']!.loss) <= 1e-6 * ref['regress']!.loss, `surface centre ${s.loss[1]![1]} vs ${ref['regress']!.loss}`);
  assert.ok(s.accuracy.flat().every((a) => a === null), 'regression has no accuracy');
  const run = JSON.parse(readFileSync(join(dir, 's', 'run.json'), 'utf8')) as { identity: { data: { loss: string } } };
  assert.equal(run.identity.data.loss, 'mse');
  const tol = terrain(['curve', ...data('binary'), '--loss', 'bce', '--direction', 'gaussian', '--range', '-1:1:3', '--tolerance', '1%', '--out', join(dir, 't')]);
  assert.equal(tol.status, 2);
  assert.match(tol.stderr, /--loss bce does not work with --tolerance yet/);
  // explain along the top eigenvector: its curvature is PyTorch's top eigenvalue of the MSE Hessian.
  const explain = terrain(['explain', ...data('regress'), '--loss', 'mse', '--direction', 'eigen:1', '--range', '-0.1:0.1:5', '--out', join(dir, 'e'), '--no-plots', '--json']);
  assert.equal(explain.status, 0, explain.stderr);
  const terms = lastJson(explain.stdout)['terms'] as { curvature: number; loss0: number };
  assert.ok(Math.abs(terms.curvature - ref['regress']!.top) <= 1e-4 * ref['regress']!.top, `explain curvature ${terms.curvature} vs λ₁ ${ref['regress']!.top}`);
  const gmi = terrain(['gmi', ...data('binary'), '--loss', 'bce', '--directions', '2', '--range', '-0.5:0.5:5', '--trace-samples', '0', '--out', join(dir, 'g'), '--no-plots', '--json']);
  assert.equal(gmi.status, 0, gmi.stderr);
  assert.ok(Math.abs((lastJson(gmi.stdout)['loss0'] as number) - ref['binary']!.loss) <= 1e-6 * ref['binary']!.loss);
});
