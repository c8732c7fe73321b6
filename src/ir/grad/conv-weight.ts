// The weight gradient of a convolution, dW[m, c, k] = Σ_n Σ_o dY[n, m, o] · Xpad[n, g·Cg + c, o·s + k·d], as one
// Conv: batch and channels of X swap roles (n is contracted, c becomes the batch), dY becomes the kernel, the
// forward stride becomes a dilation and the forward dilation a stride. Handles groups (incl. depthwise) through
// Conv's own group attribute. Shared by the Conv and ConvTranspose rules.
import { attr, type Dim } from '../graph.js';
import { divDim, mulDim } from '../shapes/dims.js';
import type { Window } from '../shapes/geometry.js';
import type { Emitter } from './emitter.js';
import { reshapeTo } from './helpers.js';

const spatialPerm = (rank: number) => Array.from({ length: rank }, (_, i) => i + 2);

/**
 * `input` [N, C, ...win.input], `outGrad` [N, M, ...win.output] → dW [M, C/group, ...win.kernel].
 */
export function convWeightGrad(e: Emitter, input: string, outGrad: string, win: Window, group: number): string {
  const [batch, channels] = e.shape(input) as [Dim, Dim];
  const sp = spatialPerm(win.rank);
  let lhs: string;
  if (group === 1) {
    lhs = e.op('Transpose', [input], { perm: attr.ints([1, 0, ...sp]) });
  } else {
    // (In a second-order graph the channels of `input` are a batch size, hence symbolic dims here.)
    const cg = divDim(channels, group);
    if (cg === undefined) throw new Error(`${channels} channels of '${input}' do not split into ${group} groups`);
    const split = reshapeTo(e, input, [batch, group, cg, ...win.input]);
    const moved = e.op('Transpose', [split], { perm: attr.ints([2, 1, 0, ...sp.map((a) => a + 1)]) });
    lhs = reshapeTo(e, moved, [cg, mulDim(group, batch), ...win.input]);
  }
  const kernel = e.op('Transpose', [outGrad], { perm: attr.ints([1, 0, ...sp]) });
  // End pads only as far as the last window reads; rows past it never meet a kernel tap.
  const padsEnd = win.input.map((n, i) =>
    Math.max(0, win.dilations[i]! * (win.kernel[i]! - 1) + win.strides[i]! * (win.output[i]! - 1) + 1 - n - win.padsBegin[i]!));
  const full = e.op('Conv', [lhs, kernel], {
    group: attr.int(group),
    strides: attr.ints(win.dilations),
    dilations: attr.ints(win.strides),
    pads: attr.ints([...win.padsBegin, ...padsEnd]),
    kernel_shape: attr.ints(win.output),
  });
  const got = e.shape(full).slice(2) as number[];
  const trimmed = got.every((d, i) => d === win.kernel[i])
    ? full
    : e.op('Slice', [full, e.ints(win.kernel.map(() => 0)), e.ints(win.kernel), e.ints(sp)]);
  return e.op('Transpose', [trimmed], { perm: attr.ints([1, 0, ...sp]) });
}
