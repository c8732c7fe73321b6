// Ops whose outputs are piecewise constant in their inputs (Shape, ArgMax, comparisons, …): nothing flows back.
import type { GradRule } from './types.js';

export const noGradient: GradRule = () => [];
