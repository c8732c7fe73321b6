// Log: dX = dY / X.
import type { GradRule } from './types.js';
import { dy0 } from './types.js';

export const log: GradRule = (c) => [c.e.op('Div', [dy0(c), c.x(0)])];
