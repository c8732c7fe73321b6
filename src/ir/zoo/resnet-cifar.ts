// CIFAR ResNets (He et al. 2016, section 4.2), in the layout of akamaster/pytorch_resnet_cifar10:
// conv1 3x3/16 → bn1 → ReLU → 3 stages of n BasicBlocks (16, 32, 64 planes; stride 1, 2, 2) → global average
// pool → linear. Depth 6n+2: resnet20 (n=3), resnet32 (n=5), resnet56 (n=9).
// Shortcut "option A" (parameter-free): where a block changes shape, the identity path is subsampled with stride 2
// (x[:, :, ::2, ::2], a strided Slice) and zero-padded with planes/4 channels on each side (a Pad), exactly as
// akamaster's LambdaLayer. resnet20 at 3x32x32 with 10 classes has 269,722 parameters.
// Names follow akamaster's state_dict (without the DataParallel "module." prefix): conv1, bn1,
// layer{s}.{b}.conv1/bn1/conv2/bn2, linear.
import { attr } from '../graph.js';
import { int64 } from '../tensor.js';
import type { Model } from '../model.js';
import { NetBuilder, type Act } from './layers.js';
import { checkKeys, type Options } from './options.js';

export const RESNET_CIFAR_DEPTHS = { resnet20: 20, resnet32: 32, resnet56: 56 } as const;

export function resnetCifarOptions(arch: string, options: Options): Options {
  checkKeys(arch, options, []);
  return {};
}

export function buildResnetCifar(depth: number, net: NetBuilder): Model {
  if ((depth - 2) % 6 !== 0) throw new Error(`CIFAR ResNet depth must be 6n+2, got ${depth}`);
  const blocks = (depth - 2) / 6;
  let x = net.relu(net.batchNorm('bn1', net.conv('conv1', net.input(), 16, { kernel: 3, pad: 1 })));
  [16, 32, 64].forEach((planes, s) => {
    for (let b = 0; b < blocks; b++) x = basicBlock(net, `layer${s + 1}.${b}`, x, planes, b === 0 && s > 0 ? 2 : 1);
  });
  return net.finish(net.linear('linear', net.globalAvgPoolFlat(x), net.spec.classes));
}

function basicBlock(net: NetBuilder, name: string, x: Act, planes: number, stride: number): Act {
  let out = net.relu(net.batchNorm(`${name}.bn1`, net.conv(`${name}.conv1`, x, planes, { kernel: 3, stride, pad: 1 })));
  out = net.batchNorm(`${name}.bn2`, net.conv(`${name}.conv2`, out, planes, { kernel: 3, pad: 1 }));
  const shortcut = stride !== 1 || x.shape[0] !== planes ? optionAShortcut(net, name, x, planes) : x;
  return net.relu(net.add(out, shortcut, `${name}.add`));
}

/** Option A: F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, planes // 4, planes // 4)). */
function optionAShortcut(net: NetBuilder, name: string, x: Act, planes: number): Act {
  const [c, h, w] = x.shape as [number, number, number];
  const pad = Math.floor(planes / 4);
  if (c + 2 * pad !== planes) throw new Error(`${name}: option A shortcut cannot pad ${c} channels to ${planes}`);
  const sub = net.g.op('Slice', [
    x.value,
    net.constant(int64([2], [0, 0]), `${name}.shortcut.starts`),
    net.constant(int64([2], [h, w]), `${name}.shortcut.ends`),
    net.constant(int64([2], [2, 3]), `${name}.shortcut.axes`),
    net.constant(int64([2], [2, 2]), `${name}.shortcut.steps`),
  ], {}, `${name}.shortcut.subsample`);
  const padded = net.g.op('Pad', [
    sub,
    net.constant(int64([8], [0, pad, 0, 0, 0, pad, 0, 0]), `${name}.shortcut.pads`),
  ], { mode: attr.string('constant') }, `${name}.shortcut.pad`);
  return { value: padded, shape: [planes, Math.ceil(h / 2), Math.ceil(w / 2)] };
}
