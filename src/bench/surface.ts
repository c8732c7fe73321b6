// Issue 4: a 21×21 ResNet-20 surface on 1,000 test images, terrain's runLandscape against the loop of Li et al.'s
// loss-landscape code in PyTorch, with the achieved GFLOP/s. Both sides time the first points of the same grid and
// extrapolate to 441 points (every point costs the same: one full pass over the same data).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { Session } from '../engine/session.js';
import { withInitializers } from '../ir/graph.js';
import { toTensors } from '../core/params.js';
import { forwardMacsPerSample } from './flops.js';
import { CIFAR_SHAPE, randomData, resnet, thetaOf, writeData, writeDirections, writeModelFiles } from './fixtures.js';
import { addMetric } from './metrics.js';
import { runBaseline } from './python.js';
import { partialSurface } from './surface-job.js';
import type { BenchContext } from './suites.js';
import { median, timeIt } from './timing.js';

/** SGEMM roofline of this 2-core machine class (issue 2): ~123 GFLOP/s on 2 threads. */
export const SGEMM_ROOFLINE_GFLOPS = 123;

export async function surfaceSuite(ctx: BenchContext): Promise<void> {
  const side = 21, images = 1000, timed = ctx.quick ? 3 : 16;
  const terrainBatch = 256; // the CLI's default evaluation batch
  const llBatch = 128; // LL's default batch_size
  const model = resnet(20);
  const data = randomData(images, CIFAR_SHAPE, 10, 11);
  const flopsPerPoint = 2 * forwardMacsPerSample(model.graph) * images;
  const dir = mkdtempSync(join(tmpdir(), 'terrain-bench-surface-'));
  try {
    ctx.log(`terrain runLandscape, ${timed} of ${side}×${side} points …`);
    // runLandscape's defaults: one single-threaded session per point, as many points at once as there are cores.
    const run = await partialSurface({ model, data, batchSize: terrainBatch, side, stopAfter: timed, threads: 1, workers: ctx.threads, outDir: join(dir, 'run'),
      onPoint: (n, s) => ctx.log(`  point ${n}/${timed} at ${s.toFixed(1)} s`) });
    const n = side * side;
    const terrainPoint = run.extrapolatedSeconds(n) / n;

    ctx.log('session creation alone …');
    const weights = toTensors(thetaOf(model));
    const create = await timeIt(async () => (await Session.create(withInitializers(model.graph, weights), { threads: ctx.threads })).dispose(), { warmup: 1, minIters: 5, minSeconds: 0 });

    ctx.log(`PyTorch LL-style loop, the same ${run.coordinates.length} points …`);
    const files = writeModelFiles(dir, model);
    const d = writeData(dir, data);
    const dirs = writeDirections(dir, run.directions[0]!.vector, run.directions[1]!.vector);
    const points = join(dir, 'points.json');
    writeFileSync(points, JSON.stringify(run.coordinates));
    const torch = runBaseline<{ seconds: number[]; loss: number[]; accuracy: number[] }>('torch_baseline.py',
      ['surface', '--spec', files.spec, '--weights', files.weights, '--directions', dirs, '--x', d.x, '--y', d.y, '--points', points, '--batch', String(llBatch)], ctx.threads);
    const torchPoint = median(torch.seconds);

    // Same weights, directions and data on both sides: the losses must agree, or the timing compares different work.
    const lossDiff = Math.max(...run.records.map((r, i) => Math.abs((r['loss'] as number) - torch.loss[i]!) / Math.abs(torch.loss[i]!)));
    if (!(lossDiff < 1e-4)) throw new Error(`surface points disagree: terrain and PyTorch losses differ by up to ${lossDiff.toExponential(2)} (relative)`);

    const how = `terrain: the time to its 2nd point + ${n - 2} × the rate from there to its ${run.records.length}th (${run.lanes} points at once, 1 ORT thread each, worker start-up included); PyTorch: ${n} × ` +
      `the median over the same points; ${images} random N(0,1) 3x32x32 images, 10 classes; ` +
      `Gaussian filter-normalised directions (seeds 1, 2), BN eval; terrain batch ${terrainBatch}, PyTorch batch ${llBatch}; losses agree to ${lossDiff.toExponential(1)}`;
    addMetric({ name: 'surface.resnet20.21x21.1000img', unit: 's', terrain: terrainPoint * n, baseline: torchPoint * n, higherIsBetter: false,
      baselineLabel: `PyTorch ${ctx.torch} LL-style loop (set θ+αx+βy, model.eval(), one no_grad pass per point), ${ctx.threads} threads`, goal: '≥ 3× faster', note: `extrapolated: ${how}` });
    addMetric({ name: 'surface.resnet20.gflops', unit: 'GFLOP/s', terrain: flopsPerPoint / terrainPoint / 1e9, baseline: flopsPerPoint / torchPoint / 1e9, higherIsBetter: true,
      baselineLabel: 'PyTorch LL-style loop', goal: `roofline ~${SGEMM_ROOFLINE_GFLOPS} GFLOP/s`,
      note: `${(flopsPerPoint / images / 1e6).toFixed(1)} MFLOP per image (2 × ${(flopsPerPoint / images / 2e6).toFixed(2)} M conv/linear MACs); terrain reaches ${(100 * flopsPerPoint / terrainPoint / 1e9 / SGEMM_ROOFLINE_GFLOPS).toFixed(0)}% of the roofline` });
    addMetric({ name: 'engine.session-create.resnet20', unit: 'ms', terrain: create.median * 1000, baseline: null, higherIsBetter: false,
      note: `median of ${create.samples.length}: Session.create with the point's weights as initializers (serialise, optimise, pre-pack) + dispose; ${(100 * create.median / terrainPoint).toFixed(1)}% of a surface point` });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
