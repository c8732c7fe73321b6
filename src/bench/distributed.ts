// Points per second through the BullMQ queue with 1 and 2 local workers, and the per-job overhead.
import { distributedBench } from './distributed-run.js';
import { addMetric, type MetricInput } from './metrics.js';
import type { BenchContext } from './suites.js';

export async function distributedSuite(ctx: BenchContext): Promise<void> {
  const r = await distributedBench();
  if (r.skipped) { ctx.log(`distributed: skipped (${r.skipped})`); return; }
  for (const m of r.metrics as MetricInput[]) addMetric(m);
}
