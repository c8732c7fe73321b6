// Re-derivation of the paper's claims: budgets, verdict rules, statistics, the markdown table. Re-exports only.
export * from './budget.js';
export * from './claims.js';
export * from './stats.js';
export * from './surface-shape.js';
export * from './table.js';
export * from './zoom.js';
