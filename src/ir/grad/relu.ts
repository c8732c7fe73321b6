// Relu: dX = dY where Y > 0. The mask reads the output, so ORT can still fuse Conv+Relu in the forward pass.
import type { GradRule } from './types.js';
import { dy0 } from './types.js';

export const relu: GradRule = (c) => {
  const { e } = c;
  const mask = e.op('Greater', [c.y(0), e.scalar(0, c.y(0))]);
  return [e.op('Where', [mask, dy0(c), e.scalar(0, c.y(0))])];
};
