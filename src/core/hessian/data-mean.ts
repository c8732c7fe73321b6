// The one loop over a data set that every model-side quantity shares: per-batch results weighted by batch size,
// so that the sum is the quantity of the mean loss over all samples (a batch's loss is its own mean). Float64.
import type { LabeledBatch } from '../evaluate/point.js';

export interface BatchValue {
  /** Vector quantities of the batch's mean loss (its gradient, a Hessian-vector product), each `length` long. */
  vectors: readonly ArrayLike<number>[];
  /** The batch's mean loss, when computed. */
  loss?: number;
  /** Correct predictions in the batch (a count), when computed. */
  correct?: number;
}

export interface DataMean {
  vectors: Float64Array[];
  /** NaN when the batches reported none. */
  loss: number;
  accuracy: number;
  samples: number;
}

export function totalSamples(batches: readonly LabeledBatch[]): number {
  let n = 0;
  for (const b of batches) n += b.size;
  if (batches.length === 0 || n === 0) throw new Error('no data: the selected split gave no batches');
  return n;
}

/** Σ_b (n_b / N) · f(b) for each vector f returns, with the loss and accuracy of the same runs. */
export async function dataMean(
  batches: readonly LabeledBatch[],
  length: number,
  perBatch: (batch: LabeledBatch) => Promise<BatchValue>,
): Promise<DataMean> {
  const samples = totalSamples(batches);
  let vectors: Float64Array[] | undefined;
  let loss = 0, correct = 0;
  for (const b of batches) {
    const r = await perBatch(b);
    vectors ??= r.vectors.map(() => new Float64Array(length));
    if (r.vectors.length !== vectors.length) throw new Error(`batch gave ${r.vectors.length} vectors, an earlier one gave ${vectors.length}`);
    const w = b.size / samples;
    r.vectors.forEach((v, k) => {
      if (v.length !== length) throw new Error(`per-batch vector ${k} has ${v.length} entries, expected ${length}`);
      const acc = vectors![k]!;
      for (let i = 0; i < length; i++) acc[i] += w * v[i]!;
    });
    loss += w * (r.loss ?? NaN);
    correct += r.correct ?? NaN;
  }
  return { vectors: vectors!, loss, accuracy: correct / samples, samples };
}
