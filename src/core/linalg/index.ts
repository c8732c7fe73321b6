export * from './vector.js';
export * from './random.js';
export * from './dense.js';
