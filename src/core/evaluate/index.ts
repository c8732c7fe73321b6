export * from './metrics.js';
export * from './point.js';
export * from './sample-stats.js';
