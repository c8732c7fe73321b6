// What the pooling rules share: their operands and window, and the constant depthwise kernels (one-hot taps to
// gather/scatter window elements, and ones).
import type { DType, Tensor } from '../tensor.js';
import { poolWindow } from '../shapes/geometry.js';
import { floatTensor } from './emitter.js';
import { dy0, where, type GradContext } from './types.js';

/** A pooling node's input X, dY, its static channel count, window and dtype. */
export function poolOperands(c: GradContext) {
  const x = c.x(0), g = dy0(c);
  const channels = c.e.shape(x)[1];
  if (typeof channels !== 'number') throw new Error(`${where(c)}: channels must be static`);
  return { x, g, channels, win: poolWindow(c.node, c.e.shape(x)), dtype: c.e.dtype(x) };
}

const volume = (kernel: readonly number[]) => kernel.reduce((p, k) => p * k, 1);

/** [C·K, 1, ...kernel]: output channel c·K + q picks tap q (row-major) of input channel c. */
export function oneHotTaps(channels: number, kernel: number[], dtype: DType): Tensor {
  const k = volume(kernel);
  const data = new Array<number>(channels * k * k).fill(0);
  for (let c = 0; c < channels; c++) for (let q = 0; q < k; q++) data[(c * k + q) * k + q] = 1;
  return floatTensor(dtype, [channels * k, 1, ...kernel], data);
}

/** [C, 1, ...kernel] of ones. */
export function onesKernel(channels: number, kernel: number[], dtype: DType): Tensor {
  return floatTensor(dtype, [channels, 1, ...kernel], new Array<number>(channels * volume(kernel)).fill(1));
}

/**
 * 1 / (number of counted elements) of each output window, shaped [...output]: a window counts the positions it
 * covers inside [lo, hi) per axis (the input for count_include_pad=0; input and declared pads otherwise, which
 * leaves out only a ceil_mode overhang).
 */
export function inverseCounts(lo: number[], hi: number[], output: number[], kernel: number[], strides: number[], padsBegin: number[], dtype: DType): Tensor {
  const perAxis = output.map((o, i) => Array.from({ length: o }, (_, j) => {
    const start = j * strides[i]! - padsBegin[i]!;
    return Math.min(start + kernel[i]!, hi[i]!) - Math.max(start, lo[i]!);
  }));
  const total = volume(output);
  const data = new Array<number>(total);
  for (let flat = 0; flat < total; flat++) {
    let rest = flat, count = 1;
    for (let i = output.length - 1; i >= 0; i--) {
      count *= perAxis[i]![rest % output[i]!]!;
      rest = Math.floor(rest / output[i]!);
    }
    data[flat] = 1 / count;
  }
  return floatTensor(dtype, output, data);
}
