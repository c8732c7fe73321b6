export * from './metrics.js';
export * from './point.js';
