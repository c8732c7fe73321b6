// Random float64 vectors for the stochastic estimators, always from an explicit seeded Rng.

import type { Rng } from '../rng.js';

/** Entries ±1 with equal probability (Rademacher): E[z zᵀ] = I with the least variance for traces. */
export function rademacherVector(rng: Rng, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.rademacher();
  return out;
}

/** Entries N(0, 1) in float64. */
export function gaussianVector(rng: Rng, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal();
  return out;
}
