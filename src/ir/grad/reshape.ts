// Reshape, Flatten, Squeeze, Unsqueeze only relabel the same elements: dX = dY reshaped to X's shape.
import type { GradRule } from './types.js';
import { dy0 } from './types.js';
import { reshapeLike } from './helpers.js';

export const reshape: GradRule = (c) => [reshapeLike(c.e, dy0(c), c.x(0))];
