// Expand: dX = dY summed over the broadcast axes.
import type { GradRule } from './types.js';
import { dy0 } from './types.js';
import { sumTo } from './helpers.js';

export const expand: GradRule = (c) => [sumTo(c.e, dy0(c), c.x(0))];
