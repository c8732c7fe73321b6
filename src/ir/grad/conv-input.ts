// The input gradient of a convolution. With unit strides it is again a Conv, of dY with the kernel transposed
// (per group) and flipped, padded by d·(k − 1) − pad; otherwise a ConvTranspose with the forward geometry.
// The Conv form is 1.1–1.3× faster than ConvTranspose in ORT (single thread, ResNet-20 sizes), and when W is an
// initializer ORT folds the flipped kernel into a constant and runs the Conv in its fast NCHWc layout.
import { attr, type Dim } from '../graph.js';
import { outputPaddingFor, type Window } from '../shapes/geometry.js';
import type { Emitter } from './emitter.js';
import { reshapeTo } from './helpers.js';

/** W [M, C/g, ...k] → W' [C, M/g, ...k] with W'[g·Cg + j, i, q] = W[g·Mg + i, j, flipped q]. */
function flippedTranspose(e: Emitter, w: string, group: number, rank: number): string {
  const [m, cg, ...kernel] = e.shape(w) as Dim[];
  const spatial = Array.from({ length: rank }, (_, i) => i + 2);
  let t: string;
  if (group === 1) {
    t = e.op('Transpose', [w], { perm: attr.ints([1, 0, ...spatial]) });
  } else {
    const mg = (m as number) / group;
    const split = reshapeTo(e, w, [group, mg, cg!, ...kernel]);
    const moved = e.op('Transpose', [split], { perm: attr.ints([0, 2, 1, ...spatial.map((a) => a + 1)]) });
    t = reshapeTo(e, moved, [(cg as number) * group, mg, ...kernel]);
  }
  const big = 2 ** 62;
  return e.op('Slice', [t, e.ints(spatial.map(() => -1)), e.ints(spatial.map(() => -big)), e.ints(spatial), e.ints(spatial.map(() => -1))]);
}

/** dX [N, C, ...win.input] of Y = Conv(X, W) from dY [N, M, ...win.output]. */
export function convInputGrad(e: Emitter, dy: string, w: string, win: Window, group: number): string {
  const span = win.kernel.map((k, i) => win.dilations[i]! * (k - 1));
  const padsBegin = span.map((s, i) => s - win.padsBegin[i]!), padsEnd = span.map((s, i) => s - win.padsEnd[i]!);
  const unitStrides = win.strides.every((s) => s === 1);
  if (unitStrides && [...padsBegin, ...padsEnd].every((p) => p >= 0)) {
    return e.op('Conv', [dy, flippedTranspose(e, w, group, win.rank)], {
      group: attr.int(group),
      dilations: attr.ints(win.dilations),
      pads: attr.ints([...padsBegin, ...padsEnd]),
      kernel_shape: attr.ints(win.kernel),
    });
  }
  return e.op('ConvTranspose', [dy, w], {
    group: attr.int(group),
    strides: attr.ints(win.strides),
    dilations: attr.ints(win.dilations),
    pads: attr.ints([...win.padsBegin, ...win.padsEnd]),
    kernel_shape: attr.ints(win.kernel),
    output_padding: attr.ints(outputPaddingFor(win)),
  });
}
