// The second-order explanation of curve shapes: expansion terms, GMI, MLI and curvature over training.
export * from './second-order.js';
export * from './gmi.js';
export * from './mli.js';
export * from './training-curvature.js';
