// HardSwish (opset 14): Y = X·HardSigmoid(X; α = 1/6, β = ½). dX = dY·(HardSigmoid(X) + X/6 inside (−3, 3)),
// i.e. 0, X/3 + ½, 1 on the three pieces, as PyTorch's hardswish backward. Emits HardSigmoid, which has a rule.
import { attr } from '../graph.js';
import type { GradRule } from './types.js';
import { dy0 } from './types.js';
import { hardSigmoidInside } from './hard-sigmoid.js';

const ALPHA = 1 / 6, BETA = 0.5;

export const hardSwish: GradRule = (c) => {
  const { e } = c;
  const x = c.x(0), g = dy0(c);
  const gate = e.op('HardSigmoid', [x], { alpha: attr.float(ALPHA), beta: attr.float(BETA) });
  const ramp = e.op('Where', [hardSigmoidInside(e, x, ALPHA, BETA), e.op('Mul', [x, e.scalar(ALPHA, x)]), e.scalar(0, x)]);
  return [e.op('Mul', [g, e.op('Add', [gate, ramp])])];
};
