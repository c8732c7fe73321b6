// Per-point cost of a landscape, single-threaded, terrain against PyTorch on the same exported model and samples:
// a small recurrent graph (a 2-layer LSTM, where building a session per point used to dominate) and torchvision's
// resnet18 (where it does not). terrain is timed both ways of core/evaluate/sessions.ts and as `--session auto` picks.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitSampleShape, makeBatches, resolveData } from '../core/data/index.js';
import { evaluateWeights } from '../core/evaluate/point.js';
import { fasterSessionMode, pointRunner, SESSION_MODES, type SessionMode } from '../core/evaluate/sessions.js';
import { loadModelFile } from '../core/model-file.js';
import { combine, toTensors } from '../core/params.js';
import { createRng } from '../core/rng.js';
import { INPUT, LOGITS } from '../ir/model.js';
import { addMetric } from './metrics.js';
import { runBaseline } from './python.js';
import type { BenchContext } from './suites.js';
import { median } from './timing.js';

const BATCH = 128, SAMPLES = 256;

export async function pointCostSuite(ctx: BenchContext): Promise<void> {
  for (const name of ['lstm', 'resnet18'] as const) {
    const dir = mkdtempSync(join(tmpdir(), `terrain-point-${name}-`));
    try {
      const points = ctx.quick ? 2 : 5;
      const torch = runBaseline<{ seconds_per_point: number }>('point_cost.py', ['--model', name, '--out', dir, '--samples', String(SAMPLES), '--batch', String(BATCH), '--points', String(points)], 1);
      const m = loadModelFile(join(dir, 'model.onnx'));
      const data = resolveData(`npy:${join(dir, 'x.npy')},${join(dir, 'y.npy')}`, { split: 'all' });
      const batches = makeBatches(fitSampleShape(data.selected, m.model.spec.inputShape), BATCH);
      const rng = createRng(1);
      const direction = { layout: m.theta.layout, data: Float32Array.from(m.theta.data, () => rng.normal()) };
      const at = (lambda: number) => toTensors(combine(m.theta, [[lambda, direction]]));
      const seconds: Record<SessionMode, number> = { 'per-point': 0, reused: 0 };
      for (const mode of SESSION_MODES) {
        const runner = pointRunner(m.model, mode, 1);
        try {
          await evaluateWeights(m.model, at(0), batches, { runner });
          const times: number[] = [];
          for (let k = 1; k <= points; k++) {
            const start = performance.now();
            await evaluateWeights(m.model, at(0.01 * k), batches, { runner });
            times.push((performance.now() - start) / 1000);
          }
          seconds[mode] = median(times);
        } finally {
          await runner.dispose();
        }
      }
      const first = batches[0]!;
      const auto = await fasterSessionMode(m.model, at(0), 1, batches.length, (run) => run({ [INPUT]: first.x }, [LOGITS]));
      ctx.log(`point cost ${name}: per-point ${seconds['per-point'].toFixed(4)} s, reused ${seconds.reused.toFixed(4)} s, auto picks ${auto}; PyTorch ${torch.seconds_per_point.toFixed(4)} s`);
      addMetric({
        name: `${name}.point.t1`, unit: 's/point', terrain: seconds[auto], baseline: torch.seconds_per_point, higherIsBetter: false,
        baselineLabel: `PyTorch ${ctx.torch}, 1 thread: load θ + λd, loss over every batch`, goal: '≥ 1× PyTorch',
        note: `${SAMPLES} samples in batches of ${BATCH}, 1 ORT thread, median of ${points} points; --session auto picks ${auto} (per-point ${seconds['per-point'].toFixed(4)} s, reused ${seconds.reused.toFixed(4)} s)`,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
