// Issue 16: a 21×21 surface at a stated error against the exhaustive surface of the same grid and split, both run
// through the CLI as a user would: the sample evaluations and wall time spent, and how honest the errors are.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addMetric } from './metrics.js';
import { terrain } from './cli.js';
import type { BenchContext } from './suites.js';

type Surface = { loss: number[][]; samples?: number[][]; lossSampleStderr?: number[][]; adaptive?: { target: number; population: number; sampleEvaluations: number; exhaustiveEvaluations: number; passes: number } };

export async function adaptiveSuite(ctx: BenchContext): Promise<void> {
  const tolerance = '1%';
  const side = ctx.quick ? 7 : 21;
  const dir = mkdtempSync(join(tmpdir(), 'terrain-bench-adaptive-'));
  try {
    ctx.log('training cnn-small on digits (3 epochs) …');
    terrain(['train', '--model', 'cnn-small', '--data', 'digits', '--epochs', '3', '--seed', '0', '--save-every', '0', '--out', join(dir, 'm')]);
    const common = ['surface', '--model', join(dir, 'm', 'final.safetensors'), '--data', 'digits', '--x', 'gaussian:seed=1', '--y', 'gaussian:seed=2',
      '--x-range', `-1:1:${side}`, '--y-range', `-1:1:${side}`, '--threads', '1', '--workers', String(ctx.threads), '--no-plots'];
    ctx.log(`exhaustive ${side}×${side} surface …`);
    const fullSeconds = terrain([...common, '--out', join(dir, 'full')]);
    ctx.log(`--tolerance ${tolerance} …`);
    const tolSeconds = terrain([...common, '--tolerance', tolerance, '--out', join(dir, 'tol')]);
    const read = (name: string): Surface => JSON.parse(readFileSync(join(dir, name, 'result.json'), 'utf8')) as Surface;
    const full = read('full'), tol = read('tol');
    const a = tol.adaptive!;
    const exact = full.loss.flat(), got = tol.loss.flat(), se = tol.lossSampleStderr!.flat(), n = tol.samples!.flat();
    const within2 = got.filter((v, k) => Math.abs(v - exact[k]!) <= 2 * se[k]!).length / got.length;
    const wholeExact = n.every((m, k) => m !== a.population || got[k] === exact[k]);
    if (!wholeExact) throw new Error('a point evaluated on the whole split differs from the exhaustive run');
    const what = `cnn-small (3 epochs) on digits' training split (${a.population} samples), ${side}×${side} Gaussian filter-normalised surface over ±1, ` +
      `--tolerance ${tolerance} (target ${a.target.toPrecision(3)}), ${a.passes} passes; ${(100 * within2).toFixed(1)} % of points within 2 reported errors of the exhaustive value`;
    addMetric({ name: `surface.digits.${side}x${side}.tolerance1pct.samples`, unit: 'sample evaluations', terrain: a.sampleEvaluations, baseline: a.exhaustiveEvaluations,
      higherIsBetter: false, baselineLabel: 'terrain, every point on the whole split', goal: 'fewer', note: what });
    addMetric({ name: `surface.digits.${side}x${side}.tolerance1pct`, unit: 's', terrain: tolSeconds, baseline: fullSeconds, higherIsBetter: false,
      baselineLabel: 'terrain, every point on the whole split', note: `CLI wall time, model and data loading included; ${what}` });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
