// The data layer's public surface (re-exports only).
export * from './errors.js';
export * from './dataset.js';
export * from './files.js';
export * from './idx.js';
export * from './mnist.js';
export * from './cifar.js';
export * from './npy.js';
export * from './npz.js';
export * from './numpy.js';
export * from './digits.js';
export * from './stratify.js';
export * from './subset.js';
export * from './standardise.js';
export * from './batches.js';
export * from './spec.js';
export * from './resolve.js';
