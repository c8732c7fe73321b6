// What run.json's identity and result.json record of a stated error (--tolerance) and a refined grid (--refine):
// absent keys for a plain run, so that the identities of runs made before these options existed do not change.
import { formatTolerance, type AdaptiveOptions, type Tolerance } from '../landscape/adaptive.js';

export function toleranceRecord(adaptive: AdaptiveOptions | undefined, refine: Tolerance | undefined): Record<string, unknown> {
  return {
    ...(adaptive ? { tolerance: { tolerance: formatTolerance(adaptive.tolerance), minSamples: adaptive.minSamples, permutationSeed: adaptive.seed } } : {}),
    ...(refine ? { refine: formatTolerance(refine) } : {}),
  };
}
