// MaxPool: the window elements are gathered as channels by a one-hot depthwise Conv, ArgMax picks the first maximum
// of each window (PyTorch's choice on ties), and a ConvTranspose with the same taps scatters dY back, adding where
// windows overlap. Pads are filled with the lowest float so that they never win. Standard ops only, so the
// backward graph can be differentiated again (the mask is piecewise constant).
import { attr } from '../graph.js';
import { outputPaddingFor } from '../shapes/geometry.js';
import type { GradRule } from './types.js';
import { reshapeTo, unsqueeze } from './helpers.js';
import { oneHotTaps, poolOperands } from './pool-kernels.js';

export const maxPool: GradRule = (c) => {
  const { e } = c;
  const { x, g, channels, win, dtype } = poolOperands(c);
  const k = win.kernel.reduce((p, d) => p * d, 1);
  const zeros = win.kernel.map(() => 0);
  const padded = win.padsBegin.some((p) => p > 0) || win.padsEnd.some((p) => p > 0)
    ? e.op('Pad', [x, e.ints([0, 0, ...win.padsBegin, 0, 0, ...win.padsEnd]), e.scalar(dtype === 'float64' ? -Number.MAX_VALUE : -3.4028234663852886e38, x)])
    : x;
  const taps = e.tensor(oneHotTaps(channels, win.kernel, dtype));
  const geometry = { strides: attr.ints(win.strides), dilations: attr.ints(win.dilations), kernel_shape: attr.ints(win.kernel), group: attr.int(channels) };
  const windows = e.op('Conv', [padded, taps], { ...geometry, pads: attr.ints([...zeros, ...zeros]) });
  const batch = e.shape(x)[0]!;
  const perWindow = reshapeTo(e, windows, [batch, channels, k, ...win.output]);
  const first = e.op('ArgMax', [perWindow], { axis: attr.int(2), keepdims: attr.int(1), select_last_index: attr.int(0) });
  const ids = new BigInt64Array(k).map((_, i) => BigInt(i));
  const tapIds = e.tensor({ dtype: 'int64', dims: [1, 1, k, ...win.output.map(() => 1)], data: ids });
  const mask = e.op('Equal', [first, tapIds]);
  const routed = e.op('Where', [mask, unsqueeze(e, g, [2]), e.scalar(0, g)]);
  const stacked = reshapeTo(e, routed, [batch, channels * k, ...win.output]);
  return [e.op('ConvTranspose', [stacked, taps], {
    ...geometry,
    pads: attr.ints([...win.padsBegin, ...win.padsEnd]),
    output_padding: attr.ints(outputPaddingFor(win)),
  })];
};
