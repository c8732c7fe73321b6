// Exact Hessian-vector products on ResNet-20 (batch 128, BN eval) against PyTorch double backprop, same threads.
// PyTorch runs before and after terrain and the faster of its two runs is the baseline (load from other processes
// only ever slows a run down). A second metric compares CPU seconds per product with one thread on each side: on a
// shared machine wall time stretches with the load (and PyTorch's OpenMP threads suffer more from it than ORT's),
// CPU time much less.
import { measureHvpThroughput, measureTorchHvpThroughput, type HvpThroughput } from './hvp-reference.js';
import { addMetric } from './metrics.js';
import type { BenchContext } from './suites.js';

const best = (runs: (HvpThroughput | undefined)[], key: 'secondsPerProduct' | 'cpuSecondsPerProduct'): number | undefined => {
  const xs = runs.filter((r): r is HvpThroughput => !!r).map((r) => r[key]);
  return xs.length ? Math.min(...xs) : undefined;
};

export async function hvpSuite(ctx: BenchContext): Promise<void> {
  const spec = { arch: 'resnet20', options: {}, inputShape: [3, 32, 32], classes: 10 };
  const batch = 128, repeats = ctx.quick ? 1 : 3;
  const torchBefore = measureTorchHvpThroughput({ spec, batch, repeats, threads: ctx.threads });
  const ours = await measureHvpThroughput({ spec, batch, repeats, threads: ctx.threads, method: 'exact' });
  const torchAfter = measureTorchHvpThroughput({ spec, batch, repeats, threads: ctx.threads });
  const torchSeconds = best([torchBefore, torchAfter], 'secondsPerProduct');
  const show = (r?: HvpThroughput) => (r ? `${r.imagesPerSecond.toFixed(1)} img/s` : 'n/a');
  ctx.log(`hvp: terrain ${show(ours)}, PyTorch ${show(torchBefore)} before, ${show(torchAfter)} after`);
  addMetric({
    name: 'resnet20.hvp.b128', unit: 'img/s', terrain: ours.imagesPerSecond, baseline: torchSeconds ? batch / torchSeconds : null,
    higherIsBetter: true, baselineLabel: `PyTorch ${ctx.torch} double backprop (torch.autograd.grad twice), faster of a run before and after terrain`,
    goal: '≥ 3× PyTorch',
    note: `exact reverse-over-reverse HVP, BN eval, median of ${repeats} products after one warm-up; PyTorch ${show(torchBefore)} before, ${show(torchAfter)} after; session setup ${ours.setupSeconds?.toFixed(1) ?? '?'} s not counted`,
  });

  const k = 4;
  const grouped = await measureHvpThroughput({ spec, batch, repeats, threads: ctx.threads, method: 'exact', vectorsPerRun: k });
  ctx.log(`hvp, ${k} directions per run: terrain ${show(grouped)} per direction`);
  addMetric({
    name: `resnet20.hvp.b128.${k}-per-run`, unit: 'img/s', terrain: grouped.imagesPerSecond, baseline: torchSeconds ? batch / torchSeconds : null,
    higherIsBetter: true, baselineLabel: 'the same PyTorch baseline (one product per double backprop)',
    note: `matvecMany: ${k} directions share one forward and first-order pass (Hutchinson, Hutch++, SLQ starts); images per second per direction; session setup ${grouped.setupSeconds?.toFixed(1) ?? '?'} s`,
  });

  const ours1 = await measureHvpThroughput({ spec, batch, repeats, threads: 1, method: 'exact' });
  const torch1 = [measureTorchHvpThroughput({ spec, batch, repeats, threads: 1 })];
  const torchCpu = best(torch1, 'cpuSecondsPerProduct');
  ctx.log(`hvp, 1 thread: terrain ${ours1.cpuSecondsPerProduct.toFixed(2)} CPU s, PyTorch ${torchCpu?.toFixed(2) ?? 'n/a'} CPU s per product`);
  addMetric({
    name: 'resnet20.hvp.b128.1-thread-cpu', unit: 'img/CPU-s', terrain: batch / ours1.cpuSecondsPerProduct, baseline: torchCpu ? batch / torchCpu : null,
    higherIsBetter: true, baselineLabel: `PyTorch ${ctx.torch} double backprop, 1 thread`,
    note: `the same products with one thread on each side, images per CPU second (process CPU time): the load-robust comparison of the work done; wall ${ours1.imagesPerSecond.toFixed(1)} vs ${torch1[0] ? torch1[0].imagesPerSecond.toFixed(1) : 'n/a'} img/s`,
  });
}
