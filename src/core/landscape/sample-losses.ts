// Per-sample losses of a --tolerance curve's blocks: the paired errors of its points (classify/paired.ts) need each
// point's losses sample by sample on the shared permutation, not just their sums. The block's sums still come from
// crossEntropyStats (the values of every run stay as they were); the losses are the same float64 expression.
import type { Tensor } from '../../ir/tensor.js';
import { INPUT, LOGITS, type Model } from '../../ir/model.js';
import { crossEntropyStats, type BatchStats } from '../evaluate/metrics.js';
import type { LabeledBatch } from '../evaluate/point.js';
import type { PointRunner } from '../evaluate/sessions.js';

/** A batch's sums plus, for curve blocks on the permutation, its per-sample losses in order. */
export type SampleBatchStats = BatchStats & { losses?: Float64Array };

/** Per-sample softmax cross-entropy, the expression crossEntropyStats sums (so Σ equals its lossSum bit for bit). */
export function crossEntropyLosses(logits: Tensor, labels: Tensor): Float64Array {
  const [n, k] = logits.dims as [number, number];
  const z = logits.data as Float32Array;
  const out = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    const row = s * k;
    let max = -Infinity;
    for (let c = 0; c < k; c++) { const v = z[row + c]!; if (v > max) max = v; } // as crossEntropyStats (NaN skipped)
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp(z[row + c]! - max);
    out[s] = Math.log(sum) + max - z[row + Number(labels.data[s]!)]!;
  }
  return out;
}

/** Evaluates batches at one point's weights, keeping every sample's loss beside the batch sums. */
export async function evaluateWithLosses(model: Model, weights: ReadonlyMap<string, Tensor>, batches: readonly LabeledBatch[], runner: PointRunner): Promise<SampleBatchStats[]> {
  const point = await runner.at(weights);
  try {
    const stats: SampleBatchStats[] = [];
    for (const b of batches) {
      const logits = (await point.run({ [INPUT]: b.x }, [LOGITS]))[LOGITS]!;
      stats.push({ ...crossEntropyStats(logits, b.y), losses: crossEntropyLosses(logits, b.y) });
    }
    return stats;
  } finally {
    await point.release();
  }
}

export function encodeLosses(v: Float64Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
}

export function decodeLosses(text: string): Float64Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.byteLength % 8 !== 0) throw new Error(`per-sample losses of ${bytes.byteLength} bytes are not float64 values`);
  const out = new Float64Array(bytes.byteLength / 8);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}
