// Rescaling a raw vector so that it is comparable to θ (Li et al. 2018, "Visualizing the Loss Landscape").
//
// Tensors of rank ≥ 2 (conv kernels, dense weights) follow `norm`:
//   filter  d_f ← ε_f · ‖θ_f‖/‖ε_f‖  for every output filter f (dim-0 slice)
//   layer   d_t ← ε_t · ‖θ_t‖/‖ε_t‖  for every tensor t
//   norm    d   ← ε   · ‖θ‖/‖ε‖      with both norms over all tensors of rank ≥ 2
//   none    d   ← ε
//   weight  d   ← ε ⊙ θ     (elementwise; loss-landscape's norm='weight')
//   dfilter d_f ← ε_f/‖ε_f‖ for every output filter f (loss-landscape's 'dfilter': unit filters, θ not used)
//   dlayer  d_t ← ε_t/‖ε_t‖ for every tensor t      (loss-landscape's 'dlayer': unit tensors, θ not used)
// Tensors of rank < 2 (biases, BatchNorm γ/β, and the running statistics of a states direction) follow `biasBn`:
//   zero    d_t ← 0   (Li et al.: these are left unperturbed; LL's --xignore biasbn)
//   keep    d_t ← ε_t (raw, unscaled)
//   norm    d_t ← ε_t · ‖θ_t‖/‖ε_t‖ (each 1-D tensor as a whole)
//   copy    d_t ← θ_t (LL without --xignore: the direction is the tensor itself, so moving along it scales the
//           tensor by (1+λ) — a deterministic, θ-dependent move, not noise; never a default, only asked for)
// Where ‖θ_·‖ = 0 or ‖ε_·‖ = 0 the slice of the direction is 0: a zero filter has no scale to match, and we add no
// hidden epsilon. Factors are computed in float64 and every entry is rounded to float32 once. `scale` multiplies last.
import { rangeNorm, type ParamVector } from '../params.js';
import type { Scaling } from './spec.js';

export function normalizeDirection(raw: ParamVector, theta: ParamVector, scaling: Scaling): ParamVector {
  theta.layout.assertSame(raw.layout, 'direction');
  const { norm, biasBn, scale } = scaling;
  const e = raw.data, t = theta.data;
  const out = new Float32Array(e.length);
  const put = (from: number, to: number, factor: number): void => {
    for (let i = from; i < to; i++) out[i] = e[i]! * factor;
  };
  const ratio = (thetaNorm: number, rawNorm: number): number =>
    thetaNorm === 0 || rawNorm === 0 ? 0 : (thetaNorm / rawNorm) * scale;

  const global = norm === 'norm' ? globalWeightNorms(raw, theta) : undefined;
  for (const s of raw.layout.slots) {
    const end = s.offset + s.size;
    if (s.filters === 0) {
      if (biasBn === 'keep') put(s.offset, end, scale);
      else if (biasBn === 'copy') for (let i = s.offset; i < end; i++) out[i] = t[i]! * scale;
      else if (biasBn === 'norm') put(s.offset, end, ratio(rangeNorm(t, s.offset, end), rangeNorm(e, s.offset, end)));
      // 'zero': out is already 0
      continue;
    }
    switch (norm) {
      case 'none': put(s.offset, end, scale); break;
      case 'norm': put(s.offset, end, ratio(global!.theta, global!.raw)); break;
      case 'layer': put(s.offset, end, ratio(rangeNorm(t, s.offset, end), rangeNorm(e, s.offset, end))); break;
      case 'filter':
      case 'dfilter': {
        const per = s.size / s.filters;
        for (let f = 0; f < s.filters; f++) {
          const a = s.offset + f * per, b = a + per;
          put(a, b, ratio(norm === 'filter' ? rangeNorm(t, a, b) : 1, rangeNorm(e, a, b)));
        }
        break;
      }
      case 'dlayer': put(s.offset, end, ratio(1, rangeNorm(e, s.offset, end))); break;
      case 'weight': for (let i = s.offset; i < end; i++) out[i] = e[i]! * t[i]! * scale; break;
    }
  }
  return { layout: raw.layout, data: out };
}

/** ‖θ‖ and ‖ε‖ over the tensors of rank ≥ 2 only (1-D tensors are governed by bias-bn). */
function globalWeightNorms(raw: ParamVector, theta: ParamVector): { theta: number; raw: number } {
  let tt = 0, ee = 0;
  for (const s of raw.layout.slots) {
    if (s.filters === 0) continue;
    tt += rangeNorm(theta.data, s.offset, s.offset + s.size) ** 2;
    ee += rangeNorm(raw.data, s.offset, s.offset + s.size) ** 2;
  }
  return { theta: Math.sqrt(tt), raw: Math.sqrt(ee) };
}
