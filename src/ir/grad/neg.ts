// Neg: dX = −dY.
import type { GradRule } from './types.js';
import { dy0 } from './types.js';

export const neg: GradRule = (c) => [c.e.op('Neg', [dy0(c)])];
