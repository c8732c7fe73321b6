// VGG with batch norm (Simonyan & Zisserman 2015) sized for small images, as the CIFAR variants do:
// torchvision's `features` (conv 3x3 pad 1 with bias → BatchNorm2d → ReLU, "M" = MaxPool 2x2), then a global
// average pool and one Linear(512, classes) named `classifier` (torchvision's 4096-wide classifier is for 224x224).
// Names follow torchvision's indices (features.0.weight, features.1.running_mean, …). A max-pool that would act on
// a map smaller than 2x2 (e.g. the 5th pool of 1x8x8 digits or 1x28x28 Fashion-MNIST) is left out; its index is
// kept (nn.Identity in the PyTorch twin) so names do not depend on the input size.
import type { Model } from '../model.js';
import { NetBuilder } from './layers.js';
import { checkKeys, type Options } from './options.js';

type Cfg = (number | 'M')[];
export const VGG_CFGS: Record<string, Cfg> = {
  'vgg11-bn': [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  'vgg16-bn': [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
};

export function vggOptions(arch: string, options: Options): Options {
  checkKeys(arch, options, []);
  return {};
}

export function buildVgg(cfg: Cfg, net: NetBuilder): Model {
  let x = net.input();
  let index = 0;
  for (const v of cfg) {
    if (v === 'M') {
      if (Math.min(x.shape[1]!, x.shape[2]!) >= 2) x = net.maxPool(x, 2);
      index += 1;
    } else {
      x = net.conv(`features.${index}`, x, v, { kernel: 3, pad: 1, bias: true });
      x = net.relu(net.batchNorm(`features.${index + 1}`, x));
      index += 3;
    }
  }
  return net.finish(net.linear('classifier', net.globalAvgPoolFlat(x), net.spec.classes));
}
