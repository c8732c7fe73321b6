// Window geometry of Conv, ConvTranspose and pooling nodes, with auto_pad resolved to explicit pads.
// Shared by shape inference and the gradient rules, so both read attributes the same way.
import type { Dim, Node } from '../graph.js';
import { getInt, getInts, getString } from '../graph.js';

export interface Window {
  /** Spatial rank (2 for images). */
  rank: number;
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** Begin pads per spatial axis. */
  padsBegin: number[];
  padsEnd: number[];
  /** Spatial input size (static). */
  input: number[];
  /** Spatial output size. */
  output: number[];
}

function staticSpatial(shape: readonly Dim[], what: string): number[] {
  const sp = shape.slice(2);
  if (!sp.every((d): d is number => typeof d === 'number')) throw new Error(`${what} spatial dims must be static, got [${shape}]`);
  return sp;
}

function resolvePads(node: Node, input: number[], kernel: number[], strides: number[], dilations: number[]): [number[], number[]] {
  const rank = input.length;
  const autoPad = getString(node, 'auto_pad', 'NOTSET');
  if (autoPad === 'NOTSET') {
    const pads = getInts(node, 'pads', undefined) ?? new Array(2 * rank).fill(0);
    if (pads.length !== 2 * rank) throw new Error(`pads has ${pads.length} entries, expected ${2 * rank}`);
    return [pads.slice(0, rank), pads.slice(rank)];
  }
  if (autoPad === 'VALID') return [new Array(rank).fill(0), new Array(rank).fill(0)];
  if (autoPad !== 'SAME_UPPER' && autoPad !== 'SAME_LOWER') throw new Error(`unknown auto_pad '${autoPad}'`);
  const begin: number[] = [], end: number[] = [];
  for (let i = 0; i < rank; i++) {
    const out = Math.ceil(input[i]! / strides[i]!);
    const total = Math.max(0, (out - 1) * strides[i]! + dilations[i]! * (kernel[i]! - 1) + 1 - input[i]!);
    const small = Math.floor(total / 2);
    begin.push(autoPad === 'SAME_UPPER' ? small : total - small);
    end.push(autoPad === 'SAME_UPPER' ? total - small : small);
  }
  return [begin, end];
}

function windowOf(node: Node, input: number[], kernel: number[], useDilations: boolean): Omit<Window, 'output'> {
  const rank = input.length;
  const strides = getInts(node, 'strides', undefined) ?? new Array(rank).fill(1);
  const dilations = (useDilations ? getInts(node, 'dilations', undefined) : undefined) ?? new Array(rank).fill(1);
  if (kernel.length !== rank || strides.length !== rank || dilations.length !== rank) {
    throw new Error(`kernel [${kernel}], strides [${strides}] and dilations [${dilations}] must each have ${rank} entries`);
  }
  const [padsBegin, padsEnd] = resolvePads(node, input, kernel, strides, dilations);
  return { rank, kernel, strides, dilations, padsBegin, padsEnd, input };
}

function forwardOutput(w: Omit<Window, 'output'>): number[] {
  return w.input.map((n, i) => {
    const span = w.dilations[i]! * (w.kernel[i]! - 1) + 1;
    const out = Math.floor((n + w.padsBegin[i]! + w.padsEnd[i]! - span) / w.strides[i]!) + 1;
    if (out < 1) throw new Error(`window of span ${span} does not fit spatial axis ${i} of size ${n} with pads ${w.padsBegin[i]}+${w.padsEnd[i]}`);
    return out;
  });
}

/** Conv: X [N, C, ...], W [M, C/group, ...k]. */
export function convWindow(node: Node, xShape: readonly Dim[], wShape: readonly Dim[]): Window {
  const input = staticSpatial(xShape, 'Conv input');
  const kernel = getInts(node, 'kernel_shape', undefined) ?? staticSpatial(wShape, 'Conv weight');
  const w = windowOf(node, input, kernel, true);
  return { ...w, output: forwardOutput(w) };
}

/** Output padding that makes a ConvTranspose reproduce the forward input size of a Conv window. */
export function outputPaddingFor(w: Window): number[] {
  return w.input.map((n, i) => (n + w.padsBegin[i]! + w.padsEnd[i]! - w.dilations[i]! * (w.kernel[i]! - 1) - 1) % w.strides[i]!);
}

/** ConvTranspose: X [N, C, ...], W [C, M/group, ...k]; `output` is the transposed output size. */
export function convTransposeWindow(node: Node, xShape: readonly Dim[], wShape: readonly Dim[]): Window & { outputPadding: number[] } {
  if (getInts(node, 'output_shape', undefined)) throw new Error(`attribute output_shape is not supported; give pads and output_padding`);
  const input = staticSpatial(xShape, 'ConvTranspose input');
  const kernel = getInts(node, 'kernel_shape', undefined) ?? staticSpatial(wShape, 'ConvTranspose weight');
  const autoPad = getString(node, 'auto_pad', 'NOTSET');
  if (autoPad !== 'NOTSET' && autoPad !== 'VALID') throw new Error(`auto_pad '${autoPad}' is not supported on ConvTranspose`);
  const w = windowOf(node, input, kernel, true);
  const outputPadding = getInts(node, 'output_padding', undefined) ?? new Array(w.rank).fill(0);
  const output = input.map((n, i) =>
    w.strides[i]! * (n - 1) + outputPadding[i]! + w.dilations[i]! * (kernel[i]! - 1) + 1 - w.padsBegin[i]! - w.padsEnd[i]!);
  return { ...w, output, outputPadding };
}

/**
 * MaxPool / AveragePool. With ceil_mode=1 the last window may hang over the end: the output size rounds up (as
 * PyTorch and ORT do, dropping a window that would start beyond the input and its begin pad), and padsEnd grows by
 * `overhang` so that every consumer of the window (the gradient rules' Pad/Conv/ConvTranspose) sees floor geometry.
 */
export function poolWindow(node: Node, xShape: readonly Dim[]): Window & { overhang: number[] } {
  const input = staticSpatial(xShape, `${node.op} input`);
  const kernel = getInts(node, 'kernel_shape', undefined);
  if (!kernel) throw new Error('attribute kernel_shape is required');
  if (getInt(node, 'storage_order', 0) !== 0) throw new Error('storage_order=1 is not supported');
  const w = windowOf(node, input, kernel, node.op === 'MaxPool');
  const floor = forwardOutput(w);
  if (getInt(node, 'ceil_mode', 0) === 0) return { ...w, output: floor, overhang: floor.map(() => 0) };
  const output = w.input.map((n, i) => {
    const span = w.dilations[i]! * (w.kernel[i]! - 1) + 1;
    let out = Math.ceil((n + w.padsBegin[i]! + w.padsEnd[i]! - span) / w.strides[i]!) + 1;
    if ((out - 1) * w.strides[i]! >= n + w.padsBegin[i]!) out--;
    return out;
  });
  const overhang = w.input.map((n, i) => {
    const span = w.dilations[i]! * (w.kernel[i]! - 1) + 1;
    return Math.max(0, (output[i]! - 1) * w.strides[i]! + span - n - w.padsBegin[i]! - w.padsEnd[i]!);
  });
  return { ...w, padsEnd: w.padsEnd.map((p, i) => p + overhang[i]!), output, overhang };
}
