// Layer helpers for zoo models: a GraphBuilder plus the bookkeeping PyTorch does for us (parameter and buffer
// names, their order, spatial shapes). Layers are added in PyTorch module registration order, so the initializer
// map reads like a state_dict and `params` like named_parameters().
import { GraphBuilder, attr } from '../builder.js';
import { INPUT, LOGITS, type Model, type ModelSpec } from '../model.js';
import { sizeOf, type Tensor } from '../tensor.js';
import { constantTensor, initStream, kaimingNormalFanOut, linearDefaultBound, uniformTensor } from './init.js';

/** A value in the graph and its per-sample shape (no batch dim): [C, H, W] or [D]. */
export interface Act {
  value: string;
  shape: number[];
}

export interface ConvOptions {
  kernel: number;
  stride?: number;
  pad?: number;
  groups?: number;
  bias?: boolean;
}

/** BatchNormalization epsilon, PyTorch's default. */
export const BN_EPSILON = 1e-5;

export class NetBuilder {
  readonly g: GraphBuilder;
  readonly params: string[] = [];
  readonly buffers: string[] = [];

  /** `zeroInit`: weights start at 0 instead of random (for callers that replace them anyway, e.g. checkpoints). */
  constructor(readonly spec: ModelSpec, readonly seed: number, readonly zeroInit = false) {
    this.g = new GraphBuilder(spec.arch, 13);
  }

  input(): Act {
    const value = this.g.input(INPUT, 'float32', ['N', ...this.spec.inputShape]);
    return { value, shape: [...this.spec.inputShape] };
  }

  /** nn.Conv2d: weight [out, in/groups, k, k], Kaiming-normal (fan_out, relu); optional bias initialised to 0. */
  conv(name: string, x: Act, out: number, o: ConvOptions): Act {
    const [c, h, w] = this.chw(name, x);
    const { kernel: k, stride = 1, pad = 0, groups = 1 } = o;
    if (c % groups !== 0 || out % groups !== 0) throw new Error(`${name}: channels ${c}→${out} not divisible by groups ${groups}`);
    const oh = Math.floor((h + 2 * pad - k) / stride) + 1;
    const ow = Math.floor((w + 2 * pad - k) / stride) + 1;
    if (oh < 1 || ow < 1) throw new Error(`${name}: input ${h}x${w} is too small for a ${k}x${k} kernel (stride ${stride}, pad ${pad}); use a larger inputShape`);
    const dims = [out, c / groups, k, k];
    const weight = this.zeroInit ? constantTensor(dims, 0) : kaimingNormalFanOut(dims, initStream(this.seed, `${name}.weight`));
    const inputs = [x.value, this.param(`${name}.weight`, weight)];
    if (o.bias) inputs.push(this.param(`${name}.bias`, constantTensor([out], 0)));
    const value = this.g.op('Conv', inputs, {
      kernel_shape: attr.ints([k, k]), strides: attr.ints([stride, stride]), pads: attr.ints([pad, pad, pad, pad]),
      dilations: attr.ints([1, 1]), group: attr.int(groups),
    }, name);
    return { value, shape: [out, oh, ow] };
  }

  /** nn.BatchNorm2d in eval form: gamma 1, beta 0, running mean 0, running var 1 (num_batches_tracked is not kept). */
  batchNorm(name: string, x: Act): Act {
    const c = x.shape[0]!;
    const scale = this.param(`${name}.weight`, constantTensor([c], 1));
    const bias = this.param(`${name}.bias`, constantTensor([c], 0));
    const mean = this.buffer(`${name}.running_mean`, constantTensor([c], 0));
    const variance = this.buffer(`${name}.running_var`, constantTensor([c], 1));
    const value = this.g.op('BatchNormalization', [x.value, scale, bias, mean, variance], { epsilon: attr.float(BN_EPSILON), momentum: attr.float(0.9) }, name);
    return { value, shape: [...x.shape] };
  }

  /** nn.Linear as Gemm(transB=1) with weight [out, in]; PyTorch's default uniform init. */
  linear(name: string, x: Act, out: number): Act {
    if (x.shape.length !== 1) throw new Error(`${name}: linear layer needs a flat input, got per-sample shape [${x.shape}]`);
    const fanIn = x.shape[0]!;
    const bound = linearDefaultBound(fanIn);
    const init = (n: string, dims: number[]): Tensor => (this.zeroInit ? constantTensor(dims, 0) : uniformTensor(dims, bound, initStream(this.seed, n)));
    const w = this.param(`${name}.weight`, init(`${name}.weight`, [out, fanIn]));
    const b = this.param(`${name}.bias`, init(`${name}.bias`, [out]));
    const value = this.g.op('Gemm', [x.value, w, b], { transB: attr.int(1) }, name);
    return { value, shape: [out] };
  }

  relu(x: Act): Act { return this.unary('Relu', x); }
  tanh(x: Act): Act { return this.unary('Tanh', x); }
  sigmoid(x: Act): Act { return this.unary('Sigmoid', x); }
  leakyRelu(x: Act, slope: number): Act { return this.unary('LeakyRelu', x, { alpha: attr.float(slope) }); }

  /** nn.ReLU6: Clip with min/max given as inputs (opset ≥ 11 form). */
  relu6(x: Act): Act {
    const value = this.g.op('Clip', [x.value, this.g.constFloat(0, 'zero'), this.g.constFloat(6, 'six')]);
    return { value, shape: [...x.shape] };
  }

  /** nn.MaxPool2d(k, stride), floor mode, no padding. */
  maxPool(x: Act, kernel: number, stride = kernel): Act {
    const [c, h, w] = this.chw('maxpool', x);
    const oh = Math.floor((h - kernel) / stride) + 1;
    const ow = Math.floor((w - kernel) / stride) + 1;
    if (oh < 1 || ow < 1) throw new Error(`max-pool ${kernel}x${kernel} on a ${h}x${w} map leaves nothing; use a larger inputShape`);
    const value = this.g.op('MaxPool', [x.value], { kernel_shape: attr.ints([kernel, kernel]), strides: attr.ints([stride, stride]), pads: attr.ints([0, 0, 0, 0]) });
    return { value, shape: [c, oh, ow] };
  }

  /** nn.AdaptiveAvgPool2d(1) followed by torch.flatten(x, 1): [C, H, W] → [C]. */
  globalAvgPoolFlat(x: Act): Act {
    const [c] = this.chw('global average pool', x);
    return this.flatten({ value: this.g.op('GlobalAveragePool', [x.value]), shape: [c, 1, 1] });
  }

  /** torch.flatten(x, 1). */
  flatten(x: Act): Act {
    if (x.shape.length === 1) return x;
    return { value: this.g.op('Flatten', [x.value], { axis: attr.int(1) }), shape: [sizeOf(x.shape)] };
  }

  add(a: Act, b: Act, stem = 'add'): Act {
    if (a.shape.join() !== b.shape.join()) throw new Error(`${stem}: cannot add shapes [${a.shape}] and [${b.shape}]`);
    return { value: this.g.op('Add', [a.value, b.value], {}, stem), shape: [...a.shape] };
  }

  /** A named constant, never a parameter (e.g. pads for a shortcut). */
  constant(t: Tensor, stem: string): string { return this.g.constant(t, stem); }

  /** Exposes `x` as "logits" [N, classes] and returns the finished model. */
  finish(x: Act): Model {
    if (x.shape.length !== 1 || x.shape[0] !== this.spec.classes) throw new Error(`${this.spec.arch}: head produces [${x.shape}], expected [${this.spec.classes}]`);
    const logits = this.g.rename(x.value, LOGITS);
    this.g.output(logits, 'float32', ['N', this.spec.classes]);
    return { spec: this.spec, graph: this.g.build(), params: [...this.params], buffers: [...this.buffers] };
  }

  private unary(op: string, x: Act, attrs = {}): Act {
    return { value: this.g.op(op, [x.value], attrs), shape: [...x.shape] };
  }

  private param(name: string, t: Tensor): string {
    this.params.push(name);
    return this.g.initializer(name, t);
  }

  private buffer(name: string, t: Tensor): string {
    this.buffers.push(name);
    return this.g.initializer(name, t);
  }

  private chw(where: string, x: Act): [number, number, number] {
    if (x.shape.length !== 3) throw new Error(`${this.spec.arch} (${where}): needs an image input [C, H, W], got per-sample shape [${x.shape}]`);
    return x.shape as [number, number, number];
  }
}

