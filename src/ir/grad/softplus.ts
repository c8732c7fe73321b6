// Softplus: Y = log(1 + exp(X)); dX = dY·Sigmoid(X).
import type { GradRule } from './types.js';
import { dy0 } from './types.js';

export const softplus: GradRule = (c) => [c.e.op('Mul', [dy0(c), c.e.op('Sigmoid', [c.x(0)])])];
