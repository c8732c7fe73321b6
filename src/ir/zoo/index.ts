// The model zoo: ModelSpec + seed → Model (an ONNX graph "input" → "logits" with PyTorch state_dict names).
// Conventions shared by every model (each file documents its architecture):
// - NCHW images, input [N, ...inputShape] float32, output "logits" [N, classes].
// - Initializer names are PyTorch state_dict keys; `params` follows named_parameters() order, `buffers` holds
//   BatchNorm running_mean / running_var (num_batches_tracked is not kept: it never affects eval-mode outputs).
// - BatchNormalization in eval form (opset 13, epsilon 1e-5, running stats as inputs); Linear = Gemm(transB=1) with
//   weight [out, in].
// - Init: conv Kaiming-normal (fan_out, relu) as torchvision, conv bias 0; Linear PyTorch default U(±1/√fan_in) for
//   weight and bias; BN gamma 1, beta 0, running mean 0, running var 1. Each tensor draws from its own stream seeded
//   by (seed, name), see init.ts.
import type { Model, ModelSpec } from '../model.js';
import { buildCnnSmall, cnnSmallOptions } from './cnn-small.js';
import { buildMlp, mlpOptions } from './mlp.js';
import { buildMobilenetV2, mobilenetV2Options } from './mobilenetv2.js';
import { buildResnetCifar, resnetCifarOptions, RESNET_CIFAR_DEPTHS } from './resnet-cifar.js';
import { buildVgg, vggOptions, VGG_CFGS } from './vgg.js';
import { NetBuilder } from './layers.js';
import type { Options } from './options.js';

interface ZooEntry {
  /** One line for help texts. */
  description: string;
  /** 'image': needs [C, H, W]; 'any': flattens whatever arrives. */
  input: 'image' | 'any';
  /** Validates options and fills in defaults. */
  options(o: Options): Options;
  build(net: NetBuilder): Model;
}

const ZOO: Record<string, ZooEntry> = {
  mlp: { description: 'multi-layer perceptron (options: widths, activation relu|tanh|sigmoid|leaky-relu, negativeSlope)', input: 'any', options: mlpOptions, build: buildMlp },
  'cnn-small': { description: 'conv-bn-relu-maxpool blocks + linear (options: channels, default [16, 32])', input: 'image', options: cnnSmallOptions, build: buildCnnSmall },
  ...Object.fromEntries(Object.entries(RESNET_CIFAR_DEPTHS).map(([name, depth]): [string, ZooEntry] => [name, {
    description: `CIFAR ResNet-${depth} (He et al. 2016, option A shortcuts, 16/32/64 planes)`,
    input: 'image', options: (o) => resnetCifarOptions(name, o), build: (net) => buildResnetCifar(depth, net),
  }])),
  ...Object.fromEntries(Object.entries(VGG_CFGS).map(([name, cfg]): [string, ZooEntry] => [name, {
    description: `${name.toUpperCase()} with batch norm, global average pool + one linear classifier`,
    input: 'image', options: (o) => vggOptions(name, o), build: (net) => buildVgg(cfg, net),
  }])),
  mobilenetv2: { description: 'MobileNetV2 with small-image strides (options: width multiplier, default 1)', input: 'image', options: mobilenetV2Options, build: buildMobilenetV2 },
};

export function zooNames(): string[] {
  return Object.keys(ZOO);
}

export function zooDescription(arch: string): string {
  return entry(arch).description;
}

/** The spec with defaults filled in and everything checked; buildModel stores this form in `model.spec`. */
export function normalizeSpec(spec: ModelSpec): ModelSpec {
  const e = entry(spec.arch);
  const shape = spec.inputShape;
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`${spec.arch}: inputShape must be a list of positive integers, got ${JSON.stringify(shape)}`);
  }
  if (e.input === 'image' && shape.length !== 3) {
    throw new Error(`${spec.arch}: inputShape must be [C, H, W] for an image model, got [${shape}] (e.g. [1, 8, 8] for digits, [3, 32, 32] for CIFAR)`);
  }
  if (!Number.isInteger(spec.classes) || spec.classes < 1) throw new Error(`${spec.arch}: classes must be a positive integer, got ${spec.classes}`);
  const options = spec.options ?? {};
  if (typeof options !== 'object' || Array.isArray(options)) throw new Error(`${spec.arch}: options must be an object, got ${JSON.stringify(options)}`);
  return { arch: spec.arch, options: e.options(options), inputShape: [...shape], classes: spec.classes };
}

export interface BuildOptions {
  /** Start every weight at 0 instead of drawing it from `seed` (faster, for callers that load weights anyway). */
  zeroInit?: boolean;
}

/** Builds a zoo model with deterministic weights from `seed`. */
export function buildModel(spec: ModelSpec, seed: number, opts: BuildOptions = {}): Model {
  const full = normalizeSpec(spec);
  return entry(full.arch).build(new NetBuilder(full, seed, opts.zeroInit ?? false));
}

function entry(arch: string): ZooEntry {
  const e = Object.prototype.hasOwnProperty.call(ZOO, arch) ? ZOO[arch] : undefined;
  if (!e) throw new Error(`unknown model '${arch}'; the zoo has: ${zooNames().join(', ')}`);
  return e;
}
