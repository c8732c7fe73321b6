// Raw Gaussian noise for random directions: N(0,1), one draw per parameter in layout order from createRng(seed),
// so the same seed gives the same direction on every machine whatever the normalisation or bias-bn policy
// (1-D tensors consume their draws even when bias-bn=zero discards them).
import { createRng, normalArray } from '../rng.js';
import type { ParamLayout, ParamVector } from '../params.js';

export function gaussianNoise(layout: ParamLayout, seed: number): ParamVector {
  return { layout, data: normalArray(createRng(seed), layout.size) };
}
