// terrain as a library: namespaces per module (re-exports only).
export * as ir from './ir/index.js';
export * as engine from './engine/session.js';
export * as params from './core/params.js';
export * as data from './core/data/index.js';
export * as directions from './core/directions/index.js';
export * as classify from './core/classify/index.js';
export * as hessian from './core/hessian/index.js';
export * as linalg from './core/linalg/index.js';
export * as evaluate from './core/evaluate/index.js';
export * as landscape from './core/landscape/index.js';
export * as runs from './core/runs/index.js';
export * as exports from './core/export/index.js';
export * as train from './core/train/index.js';
export * as rng from './core/rng.js';
export { loadModelFile, type LoadedModel } from './core/model-file.js';
