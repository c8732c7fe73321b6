// MobileNetV2 (Sandler et al. 2018) in torchvision's layout and names (features.{i}.conv.{j}…, classifier.1), with
// the small-image strides of the CIFAR variants (e.g. kuangliu/pytorch-cifar): the stem conv and the 24-channel
// stage use stride 1 instead of 2, so a 32x32 input reaches the last stage at 4x4 (overall stride 8, not 32).
// Blocks: inverted residuals with ReLU6, identity residual when stride 1 and channels unchanged; channel counts
// scaled by the `width` multiplier and rounded to multiples of 8 (torchvision's _make_divisible).
// Head: global average pool → Linear(last, classes) at `classifier.1`; torchvision's Dropout(0.2) at index 0 is
// left out (it is the identity in eval mode, and loss landscapes need a deterministic loss).
import type { Model } from '../model.js';
import { NetBuilder, type Act } from './layers.js';
import { checkKeys, positiveNumber, type Options } from './options.js';

/** [expansion t, channels c, repeats n, stride s]; torchvision's table with the CIFAR stride change in row 2. */
const SETTINGS: [number, number, number, number][] = [
  [1, 16, 1, 1], [6, 24, 2, 1], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1],
];

export function mobilenetV2Options(options: Options): Options {
  checkKeys('mobilenetv2', options, ['width']);
  return { width: positiveNumber('mobilenetv2', options, 'width', 1) };
}

/** torchvision's _make_divisible: round to a multiple of `divisor`, never more than 10% down. */
export function makeDivisible(v: number, divisor = 8): number {
  let n = Math.max(divisor, Math.floor(Math.trunc(v + divisor / 2) / divisor) * divisor);
  if (n < 0.9 * v) n += divisor;
  return n;
}

export function buildMobilenetV2(net: NetBuilder): Model {
  const spec = net.spec;
  const width = spec.options['width'] as number;
  const last = makeDivisible(1280 * Math.max(1, width));
  let x = convBnRelu6(net, 'features.0', net.input(), makeDivisible(32 * width), 3, 1, 1);
  let index = 1;
  for (const [t, c, n, s] of SETTINGS) {
    const out = makeDivisible(c * width);
    for (let i = 0; i < n; i++) x = invertedResidual(net, `features.${index++}`, x, out, i === 0 ? s : 1, t);
  }
  x = convBnRelu6(net, `features.${index}`, x, last, 1, 1, 1);
  return net.finish(net.linear('classifier.1', net.globalAvgPoolFlat(x), spec.classes));
}

/** torchvision's Conv2dNormActivation: `{name}.0` conv (no bias, pad (k-1)/2), `{name}.1` BN, ReLU6. */
function convBnRelu6(net: NetBuilder, name: string, x: Act, out: number, kernel: number, stride: number, groups: number): Act {
  const y = net.conv(`${name}.0`, x, out, { kernel, stride, pad: (kernel - 1) / 2, groups });
  return net.relu6(net.batchNorm(`${name}.1`, y));
}

function invertedResidual(net: NetBuilder, name: string, x: Act, out: number, stride: number, expand: number): Act {
  const inp = x.shape[0]!;
  const hidden = Math.round(inp * expand);
  let j = 0;
  let y = x;
  if (expand !== 1) y = convBnRelu6(net, `${name}.conv.${j++}`, y, hidden, 1, 1, 1);
  y = convBnRelu6(net, `${name}.conv.${j++}`, y, hidden, 3, stride, hidden);
  y = net.conv(`${name}.conv.${j++}`, y, out, { kernel: 1 });
  y = net.batchNorm(`${name}.conv.${j++}`, y);
  return stride === 1 && inp === out ? net.add(x, y, `${name}.add`) : y;
}
