// The ONNX layer's public surface (re-exports only).
export * from './tensor.js';
export * from './graph.js';
export * from './builder.js';
export * from './onnx.js';
export * from './model.js';
export * from './safetensors.js';
export * from './checkpoint.js';
export { buildModel, zooNames, zooDescription, normalizeSpec } from './zoo/index.js';
export { differentiate } from './autodiff.js';
export { buildGradientGraph, parametersAsInputs } from './training-graph.js';
export { withLoss } from './loss.js';
export { bnToTrainMode } from './bn-train.js';
