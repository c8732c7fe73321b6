export * from './job.js';
export * from './bn.js';
