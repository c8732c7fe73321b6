// The arithmetic ceiling the surface numbers are read against: ORT's fp32 GEMM rate on this machine (C = A·B, n³,
// B a constant initializer so that MLAS pre-packs it, as it does a point's convolution weights), with all threads
// and with one.
import { Session } from '../engine/session.js';
import { GraphBuilder } from '../ir/builder.js';
import { createRng, normalArray } from '../core/rng.js';
import { addMetric } from './metrics.js';
import type { BenchContext } from './suites.js';
import { timeIt } from './timing.js';

export async function gemmSuite(ctx: BenchContext): Promise<void> {
  const n = 1024, rng = createRng(5);
  const b = new GraphBuilder('gemm');
  const a = b.input('a', 'float32', [n, n]);
  const w = b.initializer('w', { dtype: 'float32', dims: [n, n], data: normalArray(rng, n * n) });
  b.rename(b.op('MatMul', [a, w]), 'c');
  b.output('c', 'float32', [n, n]);
  const graph = b.build();
  const feeds = { a: { dtype: 'float32' as const, dims: [n, n], data: normalArray(rng, n * n) } };
  for (const threads of [ctx.threads, 1]) {
    ctx.log(`ORT MatMul ${n}³, ${threads} thread(s) …`);
    const session = await Session.create(graph, { threads });
    try {
      const t = await timeIt(() => session.run(feeds), { warmup: 3, minIters: ctx.quick ? 3 : 20, minSeconds: ctx.quick ? 0 : 2 });
      addMetric({ name: `engine.gemm.${n}.${threads}-thread${threads > 1 ? 's' : ''}`, unit: 'GFLOP/s', terrain: (2 * n ** 3) / t.median / 1e9, baseline: null, higherIsBetter: true,
        note: `fp32 MatMul [${n}×${n}]·[${n}×${n}] with the right operand an initializer (pre-packed), ${threads} intra-op thread(s), median of ${t.samples.length}: the ceiling for convolution work in ORT on this machine` });
    } finally {
      await session.dispose();
    }
  }
}
