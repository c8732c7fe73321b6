// Hessian-vector product throughput (images per second) of terrain's model operator and of PyTorch double backprop
// on the same architecture, batch and thread count: the numbers `npm run bench` reports.
import type { ModelSpec } from '../ir/model.js';
import { buildModel } from '../ir/zoo/index.js';
import { runPython, torchAvailable } from '../testing/pytorch.js';
import { ParamLayout, paramsOf } from '../core/params.js';
import { median } from '../core/linalg/vector.js';
import { createRng } from '../core/rng.js';
import type { HvpMethod } from '../core/hessian/hvp-backends.js';
import { modelHessian } from '../core/hessian/model-operator.js';
import { randomBatches } from '../testing/hessian-reference.js';

export interface HvpBenchOptions {
  spec: ModelSpec;
  /** Samples per product (one batch). */
  batch: number;
  /** Timed products after one warm-up product. */
  repeats: number;
  /** ORT / torch intra-op threads (0 = all cores). */
  threads?: number;
  method?: HvpMethod;
  bn?: 'eval' | 'train';
  seed?: number;
  /** exact: time matvecMany with this many directions per ORT run (default 1: single products). */
  vectorsPerRun?: number;
}

export interface HvpThroughput {
  method: HvpMethod | 'torch-double-backprop';
  batch: number;
  repeats: number;
  /** Median wall seconds of the timed products (the median resists other processes' noise). */
  secondsPerProduct: number;
  imagesPerSecond: number;
  /** Mean CPU seconds of the process per product, all threads: on a loaded machine less noisy than wall time. */
  cpuSecondsPerProduct: number;
  /** Graph construction and session creation (terrain only). */
  setupSeconds?: number;
}

/** terrain: one model operator over one random batch, `repeats` products (or groups of products) timed after a warm-up; times per product. */
export async function measureHvpThroughput(o: HvpBenchOptions): Promise<HvpThroughput> {
  const seed = o.seed ?? 0;
  const model = buildModel(o.spec, seed);
  const point = { model, theta: paramsOf(model, ParamLayout.ofModel(model)), buffers: new Map(model.buffers.map((b) => [b, model.graph.initializers.get(b)!])) };
  const rng = createRng(seed + 1);
  const batches = randomBatches(o.spec.inputShape, o.spec.classes, o.batch, o.batch, rng);
  const t0 = performance.now();
  const k = o.vectorsPerRun ?? 1;
  const op = await modelHessian(point, batches, { method: o.method ?? 'exact', bn: o.bn ?? 'eval', threads: o.threads ?? 0, vectorsPerRun: k });
  try {
    const vs = Array.from({ length: k }, () => Float64Array.from({ length: op.size }, () => rng.normal()));
    const step = () => (k === 1 ? op.matvec(vs[0]!) : op.matvecMany(vs));
    await step();
    const setupSeconds = (performance.now() - t0) / 1000;
    const walls: number[] = [];
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < o.repeats; i++) {
      const t1 = performance.now();
      await step();
      walls.push((performance.now() - t1) / 1000 / k);
    }
    const cpu = process.cpuUsage(cpu0);
    const secondsPerProduct = median(walls);
    return {
      method: op.method, batch: o.batch, repeats: o.repeats, secondsPerProduct, imagesPerSecond: o.batch / secondsPerProduct,
      cpuSecondsPerProduct: (cpu.user + cpu.system) / 1e6 / o.repeats / k, setupSeconds,
    };
  } finally {
    await op.dispose();
  }
}

/** PyTorch double backprop (test/python/hvp_reference.py bench), BN in eval mode; undefined without torch. */
export function measureTorchHvpThroughput(o: Pick<HvpBenchOptions, 'spec' | 'batch' | 'repeats' | 'threads'>): HvpThroughput | undefined {
  if (!torchAvailable()) return undefined;
  const out = runPython('hvp_reference.py', ['bench', '--spec', JSON.stringify(o.spec), '--batch', String(o.batch), '--repeats', String(o.repeats), '--threads', String(o.threads ?? 0)], 1_800_000);
  const r = JSON.parse(out.trim().split('\n').pop()!) as { median_seconds: number; cpu_seconds: number };
  return {
    method: 'torch-double-backprop', batch: o.batch, repeats: o.repeats, secondsPerProduct: r.median_seconds,
    imagesPerSecond: o.batch / r.median_seconds, cpuSecondsPerProduct: r.cpu_seconds,
  };
}
