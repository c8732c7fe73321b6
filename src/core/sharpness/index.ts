// Sharpness measures and per-block curvature. This index only re-exports.
export * from './loss-surface.js';
export * from './epsilon-sharpness.js';
export * from './random-directions.js';
export * from './measures.js';
export * from './blocks.js';
export * from './table.js';
