// mlp: flatten → (Linear → activation) per hidden width → Linear. Any input shape (flattened, as torch.flatten(x, 1)).
// PyTorch names: hidden layers `layers.{i}` (an nn.ModuleList of nn.Linear), the head `fc`.
// Activations: relu, tanh (smooth: for Hessian tests), sigmoid, leaky-relu (negative slope option, default 0.01).
import type { Model } from '../model.js';
import { NetBuilder, type Act } from './layers.js';
import { checkKeys, finiteNumber, oneOf, positiveInts, type Options } from './options.js';

export const MLP_ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'leaky-relu'] as const;
export type MlpActivation = (typeof MLP_ACTIVATIONS)[number];

export function mlpOptions(options: Options): Options {
  checkKeys('mlp', options, ['widths', 'activation', 'negativeSlope']);
  const activation = oneOf('mlp', options, 'activation', MLP_ACTIVATIONS, 'relu');
  const out: Options = { widths: positiveInts('mlp', options, 'widths', [128, 64]), activation };
  if (activation === 'leaky-relu') out['negativeSlope'] = finiteNumber('mlp', options, 'negativeSlope', 0.01);
  else if (options['negativeSlope'] !== undefined) throw new Error(`mlp: option 'negativeSlope' only applies to activation 'leaky-relu'`);
  return out;
}

export function buildMlp(net: NetBuilder): Model {
  const spec = net.spec;
  const widths = spec.options['widths'] as number[];
  const activation = spec.options['activation'] as MlpActivation;
  let x = net.flatten(net.input());
  widths.forEach((w, i) => {
    x = activate(net, net.linear(`layers.${i}`, x, w), activation, spec.options['negativeSlope'] as number);
  });
  return net.finish(net.linear('fc', x, spec.classes));
}

function activate(net: NetBuilder, x: Act, a: MlpActivation, slope: number): Act {
  switch (a) {
    case 'relu': return net.relu(x);
    case 'tanh': return net.tanh(x);
    case 'sigmoid': return net.sigmoid(x);
    case 'leaky-relu': return net.leakyRelu(x, slope);
  }
}
