// Issue 16's benchmark `surface.resnet20.51x51.10k.adaptive`: the standard job of Li et al.'s paper scaled to
// Fashion-MNIST — a 51×51 ResNet-20 surface over the 10,000 test images, filter-normalised Gaussian directions —
// run by terrain at `--tolerance 1%`, against the loss-landscape loop (PyTorch, every point on the whole split)
// whose per-point time is measured in the same run on a few points of the same grid and multiplied out. The loop's
// exhaustive values at those points also say how far terrain's stated-error values are from the truth.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitSampleShape } from '../core/data/fit-shape.js';
import { resolveData } from '../core/data/resolve.js';
import { loadModelFile } from '../core/model-file.js';
import { toTensors } from '../core/params.js';
import { readSafetensors, writeSafetensors } from '../ir/safetensors.js';
import type { Tensor } from '../ir/tensor.js';
import { addMetric } from './metrics.js';
import { terrain } from './cli.js';
import { writeData } from './fixtures.js';
import { runBaseline } from './python.js';
import type { BenchContext } from './suites.js';
import { median } from './timing.js';

interface Surface {
  x: number[]; y: number[]; loss: number[][]; samples: number[][]; lossSampleStderr: number[][];
  adaptive: { target: number; population: number; passes: number; sampleEvaluations: number; exhaustiveEvaluations: number };
}

const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

export async function adaptiveResnet20Suite(ctx: BenchContext): Promise<void> {
  const side = ctx.quick ? 11 : 51;
  const testSamples = ctx.quick ? ['--samples', '2000'] : []; // the whole test split (10,000) unless --quick
  const llPoints = ctx.quick ? 1 : 3;
  const dir = mkdtempSync(join(tmpdir(), 'terrain-bench-adaptive-r20-'));
  try {
    ctx.log('training ResNet-20 on 10,000 Fashion-MNIST images (1 epoch, Adam) …');
    terrain(['train', '--model', 'resnet20', '--data', 'fashion-mnist', '--samples', ctx.quick ? '1000' : '10000', '--epochs', '1', '--batch', '64',
      '--optimizer', 'adam', '--lr', '0.002', '--seed', '0', '--save-every', '0', '--out', join(dir, 'm')]);
    const ckpt = join(dir, 'm', 'final.safetensors');
    const out = join(dir, 'adaptive');
    ctx.log(`terrain: ${side}×${side} surface at --tolerance 1% …`);
    const seconds = terrain(['surface', '--model', ckpt, '--data', 'fashion-mnist', '--split', 'test', ...testSamples, '--x', 'gaussian:seed=1', '--y', 'gaussian:seed=2',
      `--x-range=-1:1:${side}`, `--y-range=-1:1:${side}`, '--tolerance', '1%', '--no-plots', '--out', out]);
    const r = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as Surface;

    // The loop's inputs: the same weights, the same normalised test images, the directions the run resolved.
    const m = loadModelFile(ckpt);
    const spec = join(dir, 'spec.json'), weights = join(dir, 'weights.safetensors');
    writeFileSync(spec, JSON.stringify(m.model.spec));
    writeSafetensors(weights, new Map<string, Tensor>([...toTensors(m.theta), ...m.buffers]));
    const d = resolveData('fashion-mnist', { split: 'test', normalize: 'per-channel', ...(ctx.quick ? { samples: 2000 } : {}) });
    const test = fitSampleShape(d.selected, m.model.spec.inputShape);
    const { x: xPath, y: yPath } = writeData(dir, { x: test.x, y: test.y, count: test.count, shape: [...test.shape] });
    const directions = new Map<string, Tensor>();
    for (const axis of ['x', 'y']) for (const [k, t] of readSafetensors(join(out, `direction-${axis}.safetensors`)).tensors) directions.set(`${axis}/${k}`, t);
    const dirPath = join(dir, 'directions.safetensors');
    writeSafetensors(dirPath, directions);
    const mid = (side - 1) / 2;
    const cells = [[mid, mid], [Math.round(side / 4), Math.round((3 * side) / 4)], [side - 1, 0]].slice(0, llPoints) as [number, number][];
    const pointsPath = join(dir, 'points.json');
    writeFileSync(pointsPath, JSON.stringify(cells.map(([i, j]) => [r.x[i], r.y[j]])));
    ctx.log(`PyTorch loss-landscape loop, ${cells.length} points of the same grid on the whole split …`);
    const ll = runBaseline<{ seconds: number[]; loss: number[] }>('torch_baseline.py',
      ['surface', '--spec', spec, '--weights', weights, '--directions', dirPath, '--x', xPath, '--y', yPath, '--points', pointsPath, '--batch', '128'], ctx.threads, 3_600_000);
    const llPoint = median(ll.seconds);
    const total = side * side;

    // Achieved errors: every point's reported standard error against the target, and at the loop's points the
    // distance from the exhaustive value in reported errors.
    const se = r.lossSampleStderr.flat().filter(Number.isFinite).sort((a, b) => a - b);
    const samples = r.samples.flat().sort((a, b) => a - b);
    const z = cells.map(([i, j], k) => (r.loss[j]![i]! - ll.loss[k]!) / r.lossSampleStderr[j]![i]!);
    const a = r.adaptive;
    const note = `terrain: CLI wall time of the ${side}×${side} --tolerance 1% surface (target ${a.target.toPrecision(3)} loss units, ${a.passes} passes, ` +
      `${a.sampleEvaluations.toLocaleString('en')} of ${a.exhaustiveEvaluations.toLocaleString('en')} sample evaluations = ${(100 * a.sampleEvaluations / a.exhaustiveEvaluations).toFixed(1)} %); ` +
      `loop: ${total} × the median of ${cells.length} points on all ${test.count} images (batch 128); achieved standard error median ${quantile(se, 0.5).toPrecision(3)}, ` +
      `95th percentile ${quantile(se, 0.95).toPrecision(3)}, max ${se[se.length - 1]!.toPrecision(3)}; samples per point median ${quantile(samples, 0.5)}, max ${samples[samples.length - 1]}; ` +
      `at the loop's points terrain − exhaustive = ${z.map((v) => v.toFixed(2)).join(', ')} reported errors`;
    addMetric({ name: `surface.resnet20.${side}x${side}.${ctx.quick ? '2k' : '10k'}.adaptive`, unit: 's', terrain: seconds, baseline: llPoint * total, higherIsBetter: false,
      baselineLabel: `PyTorch ${ctx.torch} loss-landscape loop (every point on the whole test split), ${ctx.threads} threads, extrapolated`, goal: '≥ 10× faster, under 1 hour', note });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
