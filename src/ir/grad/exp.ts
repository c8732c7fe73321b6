// Exp: dX = dY · Y.
import type { GradRule } from './types.js';
import { dy0 } from './types.js';

export const exp: GradRule = (c) => [c.e.op('Mul', [dy0(c), c.y(0)])];
