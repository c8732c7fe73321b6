export * from './grid.js';
export * from './run-dir.js';
export * from './execute.js';
export * from './lock.js';
export * from './non-finite.js';
export * from './results.js';
