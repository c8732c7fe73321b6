// A small model layout for the direction tests: conv + BN + dense, with a dead (all-zero) conv filter and an
// all-zero bias tensor so that the ‖θ_f‖ = 0 paths are exercised.
import { ParamLayout, view, zeros, type ParamVector } from '../core/params.js';
import { createRng } from '../core/rng.js';

export const testLayout = new ParamLayout([
  { name: 'conv1.weight', shape: [4, 3, 3, 3] },
  { name: 'conv1.bias', shape: [4] },
  { name: 'bn1.weight', shape: [4] },
  { name: 'bn1.bias', shape: [4] },
  { name: 'fc.weight', shape: [5, 16] },
  { name: 'fc.bias', shape: [5] },
  { name: 'head.weight', shape: [2, 5] },
  { name: 'scale.weight', shape: [1] },
]);

/** Tensors at different scales (so per-layer and per-filter normalisation differ), filter 2 of conv1 and fc.bias zero. */
export function testTheta(seed = 7): ParamVector {
  const rng = createRng(seed);
  const theta = zeros(testLayout);
  testLayout.slots.forEach((s, t) => {
    const v = view(theta, s.name);
    for (let i = 0; i < v.length; i++) v[i] = rng.normal() * 0.1 * (t + 1) + (s.filters === 0 ? 1 : 0);
  });
  view(theta, 'conv1.weight').fill(0, 2 * 27, 3 * 27);
  view(theta, 'fc.bias').fill(0);
  return theta;
}
