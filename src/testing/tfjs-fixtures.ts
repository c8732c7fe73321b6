// Test fixtures: TF.js LayersModel files written by hand in the exact format tfjs-layers' model.save() produces
// (and, for the functional one, tensorflowjs_converter's Keras layout with "model_config"), with seeded weights.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sizeOf } from '../ir/tensor.js';

interface Normal {
  normal(): number;
}

type Json = Record<string, unknown>;

const init = { class_name: 'GlorotUniform', config: { seed: null } };
const common = { trainable: true, dtype: 'float32', kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null };

function conv2d(name: string, filters: number, kernel: number[], extra: Json = {}): Json {
  return {
    class_name: 'Conv2D',
    config: { filters, kernel_initializer: init, kernel_size: kernel, strides: [1, 1], padding: 'valid', data_format: 'channels_last', dilation_rate: [1, 1], activation: 'linear', use_bias: true, bias_initializer: { class_name: 'Zeros', config: {} }, name, ...common, ...extra },
  };
}

export interface TfjsFixture {
  /** The model.json object. */
  json: Json;
  /** Shard file name → bytes. */
  shards: Map<string, Uint8Array>;
  /** Per-sample input shape as terrain feeds it (NCHW or [F]). */
  inputShape: number[];
  classes: number;
}

/** Weights for a manifest, drawn in order, laid out back to back and cut into `parts` shards of near-equal size. */
function shardsFor(weights: { name: string; shape: number[] }[], rng: Normal, names: string[], scale: (name: string) => number): Map<string, Uint8Array> {
  const values: number[] = [];
  for (const w of weights) {
    const s = scale(w.name);
    for (let i = 0; i < sizeOf(w.shape); i++) values.push(w.name.endsWith('moving_variance') ? 0.5 + Math.abs(rng.normal()) : s * rng.normal());
  }
  const bytes = new Uint8Array(Float32Array.from(values).buffer);
  const cut = Math.ceil(bytes.length / names.length / 4) * 4;
  return new Map(names.map((n, i) => [n, bytes.slice(i * cut, Math.min(bytes.length, (i + 1) * cut))]));
}

const scale = (name: string) => (name.endsWith('bias') || name.endsWith('beta') || name.endsWith('moving_mean') ? 0.1 : name.endsWith('gamma') ? 0.3 : 0.4);

/** Sequential: Conv2D(same, relu) → BN → DepthwiseConv2D(×2) → Activation(relu6) → MaxPooling2D(same) → Flatten → Dropout → Dense(softmax). */
export function sequentialFixture(rng: Normal): TfjsFixture {
  const layers = [
    conv2d('conv2d_Conv2D1', 4, [3, 3], { padding: 'same', activation: 'relu', strides: [2, 2], batch_input_shape: [null, 7, 6, 2] }),
    { class_name: 'BatchNormalization', config: { axis: -1, momentum: 0.99, epsilon: 0.001, center: true, scale: true, name: 'batch_normalization_BatchNormalization1', trainable: true } },
    { class_name: 'DepthwiseConv2D', config: { kernel_size: [2, 2], strides: [1, 1], padding: 'valid', depth_multiplier: 2, data_format: 'channels_last', dilation_rate: [1, 1], activation: 'linear', use_bias: true, name: 'depthwise_conv2d_DepthwiseConv2D1', trainable: true } },
    { class_name: 'Activation', config: { activation: 'relu6', name: 'activation_Activation1', trainable: true } },
    { class_name: 'MaxPooling2D', config: { pool_size: [2, 2], padding: 'same', strides: [2, 2], data_format: 'channels_last', name: 'max_pooling2d_MaxPooling2D1', trainable: true } },
    { class_name: 'Flatten', config: { name: 'flatten_Flatten1', trainable: true } },
    { class_name: 'Dropout', config: { rate: 0.25, noise_shape: null, seed: null, name: 'dropout_Dropout1', trainable: true } },
    { class_name: 'Dense', config: { units: 5, activation: 'softmax', use_bias: true, kernel_initializer: init, name: 'dense_Dense1', ...common } },
  ];
  // 7×6 → conv stride 2 same → 4×3 → depthwise 2×2 valid → 3×2 → maxpool 2 same → 2×1; 8 channels → 16 features.
  const weights = [
    { name: 'conv2d_Conv2D1/kernel', shape: [3, 3, 2, 4] }, { name: 'conv2d_Conv2D1/bias', shape: [4] },
    { name: 'batch_normalization_BatchNormalization1/gamma', shape: [4] }, { name: 'batch_normalization_BatchNormalization1/beta', shape: [4] },
    { name: 'batch_normalization_BatchNormalization1/moving_mean', shape: [4] }, { name: 'batch_normalization_BatchNormalization1/moving_variance', shape: [4] },
    { name: 'depthwise_conv2d_DepthwiseConv2D1/depthwise_kernel', shape: [2, 2, 4, 2] }, { name: 'depthwise_conv2d_DepthwiseConv2D1/bias', shape: [8] },
    { name: 'dense_Dense1/kernel', shape: [16, 5] }, { name: 'dense_Dense1/bias', shape: [5] },
  ];
  const paths = ['group1-shard1of2.bin', 'group1-shard2of2.bin'];
  const json = {
    modelTopology: { class_name: 'Sequential', config: { name: 'sequential_1', layers }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' },
    format: 'layers-model', generatedBy: 'TensorFlow.js tfjs-layers v4.22.0', convertedBy: null,
    weightsManifest: [{ paths, weights: weights.map((w) => ({ ...w, dtype: 'float32' })) }],
  };
  return { json, shards: shardsFor(weights, rng, paths, scale), inputShape: [2, 7, 6], classes: 5 };
}

/** Functional (Keras-converted layout): two convolutions added, concatenated with a third, average-pooled, a head. */
export function functionalFixture(rng: Normal): TfjsFixture {
  const input = { name: 'input_1', class_name: 'InputLayer', config: { batch_input_shape: [null, 5, 5, 3], dtype: 'float32', sparse: false, ragged: false, name: 'input_1' }, inbound_nodes: [] };
  const call = (...names: string[]) => [names.map((n) => [n, 0, 0, {}])];
  const layers = [
    input,
    { name: 'conv_a', ...conv2d('conv_a', 2, [3, 3], { padding: 'same', strides: [2, 2], activation: 'tanh' }), inbound_nodes: call('input_1') },
    { name: 'conv_b', ...conv2d('conv_b', 2, [1, 1], { strides: [2, 2], use_bias: false }), inbound_nodes: call('input_1') },
    { name: 'add', class_name: 'Add', config: { name: 'add', trainable: true, dtype: 'float32' }, inbound_nodes: call('conv_a', 'conv_b') },
    { name: 'conv_c', ...conv2d('conv_c', 3, [2, 2], { padding: 'same', strides: [2, 2], activation: 'sigmoid', dilation_rate: [1, 1] }), inbound_nodes: call('input_1') },
    { name: 'concatenate', class_name: 'Concatenate', config: { name: 'concatenate', trainable: true, dtype: 'float32', axis: -1 }, inbound_nodes: call('add', 'conv_c') },
    { name: 'average_pooling2d', class_name: 'AveragePooling2D', config: { name: 'average_pooling2d', pool_size: [2, 2], padding: 'same', strides: [1, 1], data_format: 'channels_last', trainable: true, dtype: 'float32' }, inbound_nodes: call('concatenate') },
    { name: 'global_average_pooling2d', class_name: 'GlobalAveragePooling2D', config: { name: 'global_average_pooling2d', data_format: 'channels_last', keepdims: false, trainable: true, dtype: 'float32' }, inbound_nodes: call('average_pooling2d') },
    { name: 'dense', class_name: 'Dense', config: { name: 'dense', units: 3, activation: 'linear', use_bias: true, ...common }, inbound_nodes: call('global_average_pooling2d') },
  ];
  const weights = [
    { name: 'model/conv_a/kernel', shape: [3, 3, 3, 2] }, { name: 'model/conv_a/bias', shape: [2] }, { name: 'model/conv_b/kernel', shape: [1, 1, 3, 2] },
    { name: 'model/conv_c/kernel', shape: [2, 2, 3, 3] }, { name: 'model/conv_c/bias', shape: [3] },
    { name: 'model/dense/kernel', shape: [5, 3] }, { name: 'model/dense/bias', shape: [3] },
  ];
  const paths = ['./group1-shard1of1.bin'];
  const json = {
    format: 'layers-model', generatedBy: 'keras v2.13.1', convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology: {
      keras_version: '2.13.1', backend: 'tensorflow',
      model_config: { class_name: 'Functional', config: { name: 'model', layers, input_layers: [['input_1', 0, 0]], output_layers: [['dense', 0, 0]] } },
    },
    weightsManifest: [{ paths, weights: weights.map((w) => ({ ...w, dtype: 'float32' })) }],
  };
  return { json, shards: shardsFor(weights, rng, paths, scale), inputShape: [3, 5, 5], classes: 3 };
}

/** Writes model.json and its shards into `dir`; returns model.json's path. */
export function writeFixture(dir: string, f: TfjsFixture): string {
  mkdirSync(dir, { recursive: true });
  for (const [p, bytes] of f.shards) writeFileSync(join(dir, p), bytes);
  writeFileSync(join(dir, 'model.json'), JSON.stringify(f.json));
  return join(dir, 'model.json');
}
