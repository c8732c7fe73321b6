// Directions: the ε in L(θ + λε). This index only re-exports.
export * from './spec.js';
export * from './gaussian.js';
export * from './normalize.js';
export * from './plane.js';
export * from './jacobi.js';
export * from './pca.js';
export * from './trajectory.js';
export * from './io.js';
export * from './states.js';
export * from './resolve.js';
export * from './param-subset.js';
