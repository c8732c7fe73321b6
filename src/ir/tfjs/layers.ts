// One converter per Keras layer class, emitting ONNX nodes in NCHW layout (terrain's image layout): kernels are
// transposed from Keras' [kh, kw, in, out] to ONNX's [out, in, kh, kw], Dense kernels from [in, out] to [out, in]
// (Gemm transB), and Flatten first transposes back to channels-last so the flattened order matches Keras'.
// Values carry their per-sample shape ([C, H, W] or [F]) because 'same' padding needs the input size.
import { attr, type Attribute } from '../graph.js';
import type { GraphBuilder } from '../builder.js';
import { float32, type Tensor } from '../tensor.js';
import { TfjsError, type LayerSpec } from './format.js';

export interface Value {
  name: string;
  /** Per-sample shape, NCHW order: [C, H, W] for images, [F] for vectors. */
  shape: number[];
}

export interface ConvertContext {
  b: GraphBuilder;
  /** The manifest weight `${layer}/${key}` (nested prefixes allowed), as an initializer name; throws when absent. */
  weight(layer: LayerSpec, key: string, transform?: (t: Tensor) => Tensor): string;
  hasWeight(layer: LayerSpec, key: string): boolean;
  /** True for the layer whose output is the model's. */
  isOutput: boolean;
  note(message: string): void;
  source: string;
}

export type LayerConverter = (layer: LayerSpec, inputs: Value[], c: ConvertContext) => Value;

const cfg = (l: LayerSpec) => l.config;

function fail(c: ConvertContext, l: LayerSpec, what: string): never {
  throw new TfjsError(`${c.source}: layer '${l.name}' (${l.className}): ${what}`);
}

function pair(v: unknown, fallback: number, c: ConvertContext, l: LayerSpec, key: string): [number, number] {
  if (v === undefined || v === null) return [fallback, fallback];
  const arr = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(arr) || arr.length !== 2 || !arr.every((x) => Number.isSafeInteger(x) && x > 0 && x <= 1 << 16)) fail(c, l, `${key} ${JSON.stringify(v)} should be a positive integer or a pair`);
  return arr as [number, number];
}

function one(inputs: Value[], c: ConvertContext, l: LayerSpec, rank?: number): Value {
  if (inputs.length !== 1) fail(c, l, `expected one input, got ${inputs.length}`);
  const x = inputs[0]!;
  if (rank !== undefined && x.shape.length !== rank) fail(c, l, `expected a ${rank === 3 ? 'H×W×C image' : 'vector'} input, got shape [${x.shape}] (NCHW)`);
  return x;
}

function checkChannelsLast(c: ConvertContext, l: LayerSpec): void {
  const f = cfg(l)['data_format'];
  if (f !== undefined && f !== null && f !== 'channels_last') fail(c, l, `data_format '${String(f)}' is not supported (channels_last only)`);
}

/** Keras 'same'/'valid' padding as ONNX begin/end pads (TF puts the odd pixel at the end), and the output size. */
function window(size: number[], kernel: [number, number], strides: [number, number], dilation: [number, number], padding: unknown, c: ConvertContext, l: LayerSpec) {
  if (padding !== 'same' && padding !== 'valid' && padding !== undefined) fail(c, l, `padding '${String(padding)}' is not supported (same, valid)`);
  const begin: number[] = [], end: number[] = [], out: number[] = [];
  for (let i = 0; i < 2; i++) {
    const n = size[i]!, k = (kernel[i]! - 1) * dilation[i]! + 1, s = strides[i]!;
    if (padding === 'same') {
      const o = Math.ceil(n / s);
      const total = Math.max((o - 1) * s + k - n, 0);
      begin.push(Math.floor(total / 2)); end.push(total - Math.floor(total / 2)); out.push(o);
    } else {
      if (k > n) fail(c, l, `window of ${k} does not fit input size ${n}`);
      begin.push(0); end.push(0); out.push(Math.floor((n - k) / s) + 1);
    }
  }
  return { pads: [...begin, ...end], out };
}

function transpose(t: Tensor, perm: number[]): Tensor {
  const dims = perm.map((p) => t.dims[p]!);
  const src = t.data as Float32Array;
  const inStrides = t.dims.map((_, i) => t.dims.slice(i + 1).reduce((a, d) => a * d, 1));
  const out = new Float32Array(src.length);
  const idx = new Array<number>(dims.length).fill(0);
  for (let k = 0; k < out.length; k++) {
    let at = 0;
    for (let a = 0; a < dims.length; a++) at += idx[a]! * inStrides[perm[a]!]!;
    out[k] = src[at]!;
    for (let a = dims.length - 1; a >= 0; a--) { if (++idx[a]! < dims[a]!) break; idx[a] = 0; }
  }
  return { dtype: 'float32', dims, data: out };
}

function constant(c: ConvertContext, t: Tensor, stem: string): string {
  return c.b.op('Constant', [], { value: attr.tensor(t) }, stem);
}

/** Applies a Keras activation by name; a final softmax is left out (terrain's losses take logits). */
export function activation(x: Value, name: unknown, l: LayerSpec, c: ConvertContext): Value {
  const b = c.b, stem = `${l.name}/${String(name)}`;
  const op = (o: string, attrs: Record<string, Attribute> = {}) => ({ name: b.op(o, [x.name], attrs, stem), shape: x.shape });
  switch (name ?? 'linear') {
    case 'linear': return x;
    case 'relu': return op('Relu');
    case 'relu6': return { name: b.op('Clip', [x.name, constant(c, float32([], [0]), `${stem}/min`), constant(c, float32([], [6]), `${stem}/max`)], {}, stem), shape: x.shape };
    case 'sigmoid': return op('Sigmoid');
    case 'tanh': return op('Tanh');
    case 'exponential': return op('Exp');
    case 'swish': case 'silu': return { name: b.op('Mul', [x.name, b.op('Sigmoid', [x.name], {}, stem)], {}, stem), shape: x.shape };
    case 'softmax':
      if (c.isOutput) {
        c.note(`layer '${l.name}': the final softmax is left out, terrain's losses take logits`);
        return x;
      }
      if (x.shape.length !== 1) fail(c, l, 'softmax is only supported on vectors');
      return op('Softmax', { axis: attr.int(1) });
    default: return fail(c, l, `activation '${String(name)}' is not supported (linear, relu, relu6, sigmoid, tanh, exponential, swish, softmax)`);
  }
}

const dense: LayerConverter = (l, inputs, c) => {
  const x = one(inputs, c, l, 1);
  const units = cfg(l)['units'];
  if (!Number.isSafeInteger(units) || (units as number) <= 0) fail(c, l, `units ${JSON.stringify(units)} should be a positive integer`);
  const w = c.weight(l, 'kernel', (t) => {
    if (t.dims.length !== 2 || t.dims[0] !== x.shape[0] || t.dims[1] !== units) fail(c, l, `kernel is [${t.dims}], expected [${x.shape[0]}, ${String(units)}]`);
    return transpose(t, [1, 0]);
  });
  const ins = [x.name, w];
  if (cfg(l)['use_bias'] !== false) ins.push(c.weight(l, 'bias'));
  const y = { name: c.b.op('Gemm', ins, { transB: attr.int(1) }, l.name), shape: [units as number] };
  return activation(y, cfg(l)['activation'], l, c);
};

function conv(l: LayerSpec, inputs: Value[], c: ConvertContext, depthwise: boolean): Value {
  checkChannelsLast(c, l);
  const x = one(inputs, c, l, 3);
  const [ch, h, w] = x.shape as [number, number, number];
  const kernel = pair(cfg(l)['kernel_size'], 1, c, l, 'kernel_size');
  const strides = pair(cfg(l)['strides'], 1, c, l, 'strides');
  const dilation = pair(cfg(l)['dilation_rate'], 1, c, l, 'dilation_rate');
  const { pads, out } = window([h, w], kernel, strides, dilation, cfg(l)['padding'], c, l);
  const groups = depthwise ? ch : Number(cfg(l)['groups'] ?? 1);
  let outChannels: number;
  const wName = depthwise
    ? c.weight(l, 'depthwise_kernel', (t) => {
      // [kh, kw, C, m] → [C·m, 1, kh, kw]: output channel c·m + j reads input channel c, as in TF.
      outChannels = t.dims[2]! * t.dims[3]!;
      const r = transpose(t, [2, 3, 0, 1]);
      return { ...r, dims: [outChannels, 1, t.dims[0]!, t.dims[1]!] };
    })
    : c.weight(l, 'kernel', (t) => { outChannels = t.dims[3]!; return transpose(t, [3, 2, 0, 1]); });
  if (!Number.isSafeInteger(groups) || groups < 1 || ch % groups !== 0) fail(c, l, `groups ${groups} does not divide ${ch} input channels`);
  const ins = [x.name, wName];
  if (cfg(l)['use_bias'] !== false) ins.push(c.weight(l, 'bias'));
  const attrs: Record<string, Attribute> = {
    kernel_shape: attr.ints(kernel), strides: attr.ints(strides), dilations: attr.ints(dilation), pads: attr.ints(pads), group: attr.int(groups),
  };
  const y = { name: c.b.op('Conv', ins, attrs, l.name), shape: [outChannels!, out[0]!, out[1]!] };
  return activation(y, cfg(l)['activation'], l, c);
}

const batchNorm: LayerConverter = (l, inputs, c) => {
  const x = one(inputs, c, l);
  const axis = Array.isArray(cfg(l)['axis']) ? (cfg(l)['axis'] as unknown[])[0] : cfg(l)['axis'] ?? -1;
  if (axis !== -1 && axis !== x.shape.length) fail(c, l, `axis ${JSON.stringify(cfg(l)['axis'])} is not the channel axis`);
  const n = x.shape[0]!;
  const fixed = (v: number, what: string) => constant(c, float32([n], new Array(n).fill(v)), `${l.name}/${what}`);
  const scale = cfg(l)['scale'] === false ? fixed(1, 'gamma') : c.weight(l, 'gamma');
  const bias = cfg(l)['center'] === false ? fixed(0, 'beta') : c.weight(l, 'beta');
  const epsilon = Number(cfg(l)['epsilon'] ?? 1e-3);
  const ins = [x.name, scale, bias, c.weight(l, 'moving_mean'), c.weight(l, 'moving_variance')];
  return { name: c.b.op('BatchNormalization', ins, { epsilon: attr.float(epsilon) }, l.name), shape: x.shape };
};

function pool(l: LayerSpec, inputs: Value[], c: ConvertContext, op: 'MaxPool' | 'AveragePool'): Value {
  checkChannelsLast(c, l);
  const x = one(inputs, c, l, 3);
  const size = pair(cfg(l)['pool_size'], 2, c, l, 'pool_size');
  const strides = pair(cfg(l)['strides'], 0, c, l, 'strides').map((s, i) => s || size[i]!) as [number, number];
  const { pads, out } = window(x.shape.slice(1), size, strides, [1, 1], cfg(l)['padding'], c, l);
  const attrs = { kernel_shape: attr.ints(size), strides: attr.ints(strides), pads: attr.ints(pads) };
  return { name: c.b.op(op, [x.name], attrs, l.name), shape: [x.shape[0]!, out[0]!, out[1]!] };
}

/** Global pooling; the max as a MaxPool over the whole image, which has a gradient rule (GlobalMaxPool has none). */
function globalPool(l: LayerSpec, inputs: Value[], c: ConvertContext, op: 'GlobalAveragePool' | 'GlobalMaxPool'): Value {
  checkChannelsLast(c, l);
  const x = one(inputs, c, l, 3);
  const y = op === 'GlobalAveragePool'
    ? c.b.op(op, [x.name], {}, l.name)
    : c.b.op('MaxPool', [x.name], { kernel_shape: attr.ints(x.shape.slice(1)) }, l.name);
  if (cfg(l)['keepdims'] === true) return { name: y, shape: [x.shape[0]!, 1, 1] };
  return { name: c.b.op('Flatten', [y], { axis: attr.int(1) }, l.name), shape: [x.shape[0]!] };
}

const flatten: LayerConverter = (l, inputs, c) => {
  checkChannelsLast(c, l);
  const x = one(inputs, c, l);
  if (x.shape.length === 1) return x;
  if (x.shape.length !== 3) fail(c, l, `cannot flatten shape [${x.shape}]`);
  const nhwc = c.b.op('Transpose', [x.name], { perm: attr.ints([0, 2, 3, 1]) }, `${l.name}/to_channels_last`);
  return { name: c.b.op('Flatten', [nhwc], { axis: attr.int(1) }, l.name), shape: [x.shape.reduce((a, d) => a * d, 1)] };
};

const add: LayerConverter = (l, inputs, c) => {
  if (inputs.length < 2) fail(c, l, `expected at least two inputs, got ${inputs.length}`);
  for (const v of inputs) if (v.shape.join() !== inputs[0]!.shape.join()) fail(c, l, `inputs have shapes ${inputs.map((u) => `[${u.shape}]`).join(', ')}`);
  const name = inputs.length === 2 ? c.b.op('Add', inputs.map((v) => v.name), {}, l.name) : c.b.op('Sum', inputs.map((v) => v.name), {}, l.name);
  return { name, shape: inputs[0]!.shape };
};

const concatenate: LayerConverter = (l, inputs, c) => {
  if (inputs.length < 2) fail(c, l, `expected at least two inputs, got ${inputs.length}`);
  const rank = inputs[0]!.shape.length;
  const kerasAxis = Number(cfg(l)['axis'] ?? -1);
  // Keras axes count the batch and put channels last; terrain's NCHW puts channels at 1.
  const keras = kerasAxis < 0 ? kerasAxis + rank + 1 : kerasAxis;
  const map = rank === 3 ? [0, 2, 3, 1] : [0, 1];
  const axis = map[keras];
  if (axis === undefined || axis === 0) fail(c, l, `axis ${kerasAxis} is out of range for rank ${rank + 1}`);
  const at = axis! - 1;
  for (const v of inputs) if (v.shape.length !== rank || v.shape.some((d, i) => i !== at && d !== inputs[0]!.shape[i])) fail(c, l, `inputs have shapes ${inputs.map((u) => `[${u.shape}]`).join(', ')}`);
  const shape = [...inputs[0]!.shape];
  shape[at] = inputs.reduce((s, v) => s + v.shape[at]!, 0);
  return { name: c.b.op('Concat', inputs.map((v) => v.name), { axis: attr.int(axis!) }, l.name), shape };
};

const reluLayer: LayerConverter = (l, inputs, c) => {
  const x = one(inputs, c, l);
  const max = cfg(l)['max_value'], slope = Number(cfg(l)['negative_slope'] ?? 0), threshold = Number(cfg(l)['threshold'] ?? 0);
  if (threshold !== 0) fail(c, l, 'a non-zero threshold is not supported');
  if (max !== undefined && max !== null) {
    if (slope !== 0) fail(c, l, 'max_value together with negative_slope is not supported');
    return { name: c.b.op('Clip', [x.name, constant(c, float32([], [0]), `${l.name}/min`), constant(c, float32([], [Number(max)]), `${l.name}/max`)], {}, l.name), shape: x.shape };
  }
  if (slope !== 0) return { name: c.b.op('LeakyRelu', [x.name], { alpha: attr.float(slope) }, l.name), shape: x.shape };
  return { name: c.b.op('Relu', [x.name], {}, l.name), shape: x.shape };
};

export const CONVERTERS: Readonly<Record<string, LayerConverter>> = {
  Dense: dense,
  Conv2D: (l, i, c) => conv(l, i, c, false),
  DepthwiseConv2D: (l, i, c) => conv(l, i, c, true),
  BatchNormalization: batchNorm,
  Activation: (l, i, c) => activation(one(i, c, l), cfg(l)['activation'], l, c),
  Softmax: (l, i, c) => activation(one(i, c, l), 'softmax', l, c),
  ReLU: reluLayer,
  Flatten: flatten,
  MaxPooling2D: (l, i, c) => pool(l, i, c, 'MaxPool'),
  AveragePooling2D: (l, i, c) => pool(l, i, c, 'AveragePool'),
  GlobalAveragePooling2D: (l, i, c) => globalPool(l, i, c, 'GlobalAveragePool'),
  GlobalMaxPooling2D: (l, i, c) => globalPool(l, i, c, 'GlobalMaxPool'),
  Add: add,
  Concatenate: concatenate,
  Dropout: (l, i, c) => one(i, c, l),
};
