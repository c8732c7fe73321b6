// Loss and accuracy from logits, in float64: the forward graph stops at logits, the statistics are computed here.
import type { Tensor } from '../../ir/tensor.js';

export interface BatchStats {
  /** Sum over the batch of the per-sample softmax cross-entropy. */
  lossSum: number;
  /** Sum over the batch of the squared per-sample losses (float64), for per-sample standard errors. */
  lossSqSum?: number;
  correct: number;
  size: number;
}

/** Per-sample softmax cross-entropy (log-sum-exp stabilised) and argmax hits for one batch of logits. */
export function crossEntropyStats(logits: Tensor, labels: Tensor): BatchStats {
  const [n, k] = logits.dims as [number, number];
  const z = logits.data as Float32Array;
  const y = labels.data;
  if (y.length !== n) throw new Error(`logits hold ${n} samples but labels hold ${y.length}`);
  let lossSum = 0, lossSqSum = 0, correct = 0;
  for (let s = 0; s < n; s++) {
    const row = s * k;
    let max = -Infinity, arg = 0;
    for (let c = 0; c < k; c++) { const v = z[row + c]!; if (v > max) { max = v; arg = c; } }
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp(z[row + c]! - max);
    const label = Number(y[s]!);
    if (!(label >= 0 && label < k)) throw new Error(`label ${label} of sample ${s} is outside 0..${k - 1}`);
    // The same float64 expression summed in the same order as before the squares were added: loss values unchanged.
    const l = Math.log(sum) + max - z[row + label]!;
    lossSum += l;
    lossSqSum += l * l;
    if (arg === label) correct++;
  }
  return { lossSum, lossSqSum, correct, size: n };
}

export interface PointStats {
  loss: number;
  accuracy: number;
  /** Standard error of the mean loss, from the spread of per-batch mean losses (batches weighted by size). */
  lossStderr: number;
  samples: number;
}

export function combineBatches(batches: readonly BatchStats[]): PointStats {
  let n = 0, lossSum = 0, correct = 0;
  for (const b of batches) { n += b.size; lossSum += b.lossSum; correct += b.correct; }
  const loss = lossSum / n;
  let lossStderr = 0;
  if (batches.length > 1) {
    // Weighted variance of batch means around the overall mean; effective count = number of batches.
    let v = 0;
    for (const b of batches) v += b.size * (b.lossSum / b.size - loss) ** 2;
    v /= n;
    lossStderr = Math.sqrt(v / (batches.length - 1));
  }
  return { loss, accuracy: correct / n, lossStderr, samples: n };
}
