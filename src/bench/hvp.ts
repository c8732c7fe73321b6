// Exact Hessian-vector products on ResNet-20 (batch 128, BN eval) against PyTorch double backprop, same threads.
import { measureHvpThroughput, measureTorchHvpThroughput } from '../core/hessian/hvp-bench.js';
import { addMetric } from './metrics.js';
import type { BenchContext } from './suites.js';

export async function hvpSuite(ctx: BenchContext): Promise<void> {
  const spec = { arch: 'resnet20', options: {}, inputShape: [3, 32, 32], classes: 10 };
  const batch = 128, repeats = ctx.quick ? 1 : 3;
  const ours = await measureHvpThroughput({ spec, batch, repeats, threads: ctx.threads, method: 'exact' });
  const torch = measureTorchHvpThroughput({ spec, batch, repeats, threads: ctx.threads });
  ctx.log(`hvp: terrain ${ours.imagesPerSecond.toFixed(1)} img/s, PyTorch ${torch ? torch.imagesPerSecond.toFixed(1) : 'n/a'} img/s`);
  addMetric({
    name: 'resnet20.hvp.b128', unit: 'img/s', terrain: ours.imagesPerSecond, baseline: torch?.imagesPerSecond ?? null,
    higherIsBetter: true, baselineLabel: `PyTorch ${ctx.torch} double backprop (torch.autograd.grad twice)`, goal: '≥ 3× PyTorch',
    note: `exact reverse-over-reverse HVP, BN eval, ${repeats} timed products after one warm-up; session setup ${ours.setupSeconds?.toFixed(1) ?? '?'} s not counted`,
  });
}
