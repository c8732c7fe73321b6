// What run.json's identity and result.json record of a stated error (--tolerance) and a refined grid (--refine):
// absent keys for a plain run, so that the identities of runs made before these options existed do not change.
import type { InputError, Worded } from '../../ir/errors.js';
import { option, worded } from '../../ir/errors.js';
import { formatTolerance, type AdaptiveOptions, type Tolerance } from '../landscape/adaptive.js';
import type { LossChoice } from '../loss/choice.js';

export function toleranceRecord(adaptive: AdaptiveOptions | undefined, refine: Tolerance | undefined): Record<string, unknown> {
  return {
    ...(adaptive ? { tolerance: { tolerance: formatTolerance(adaptive.tolerance), minSamples: adaptive.minSamples, permutationSeed: adaptive.seed } } : {}),
    ...(refine ? { refine: formatTolerance(refine) } : {}),
  };
}

/**
 * The loss a job evaluates when it is not the default cross-entropy (which keeps the logits path, bit-identical runs),
 * refused with `--tolerance`: a stated error is measured from per-sample cross-entropy. `E` is the caller's error class.
 */
export function customLoss(choice: LossChoice | undefined, adaptive: AdaptiveOptions | undefined, E: new (message: Worded) => InputError): LossChoice | undefined {
  const loss = choice && choice.name !== 'cross-entropy' ? choice : undefined;
  if (loss && adaptive) throw new E(worded`${option('loss', loss.name)} does not work with ${option('tolerance')} yet; drop one of them`);
  return loss;
}
