// Mining directions for a target curve shape. This index only re-exports.
export * from './constraint.js';
export * from './objectives.js';
export * from './template.js';
export * from './optimize.js';
export * from './model-probe.js';
export * from './checkpoint.js';
export * from './judge.js';
export * from './data.js';
export * from './job.js';
export * from './synthetic.js';
export * from './load.js';
export * from './prepare.js';
