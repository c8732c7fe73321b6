// cnn-small: a few conv-bn-relu-maxpool blocks, then flatten → Linear. Default channels [16, 32]:
//   conv1 (3x3, pad 1, no bias) → bn1 → ReLU → MaxPool 2x2 → conv2 → bn2 → ReLU → MaxPool 2x2 → flatten → fc.
// On digits (1x8x8) that is 8→4→2, fc 128→10; on Fashion-MNIST (1x28x28) 28→14→7, fc 1568→10.
import type { Model } from '../model.js';
import { NetBuilder } from './layers.js';
import { checkKeys, positiveInts, type Options } from './options.js';

export function cnnSmallOptions(options: Options): Options {
  checkKeys('cnn-small', options, ['channels']);
  return { channels: positiveInts('cnn-small', options, 'channels', [16, 32]) };
}

export function buildCnnSmall(net: NetBuilder): Model {
  const spec = net.spec;
  let x = net.input();
  (spec.options['channels'] as number[]).forEach((c, i) => {
    x = net.conv(`conv${i + 1}`, x, c, { kernel: 3, pad: 1 });
    x = net.relu(net.batchNorm(`bn${i + 1}`, x));
    x = net.maxPool(x, 2);
  });
  return net.finish(net.linear('fc', net.flatten(x), spec.classes));
}
