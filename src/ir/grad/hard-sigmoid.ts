// HardSigmoid: Y = max(0, min(1, α·X + β)); dX = α·dY where 0 < α·X + β < 1, else 0 (PyTorch's hardsigmoid
// backward). The mask is piecewise constant, so the second derivative is 0 almost everywhere.
import { getFloat } from '../graph.js';
import type { Emitter } from './emitter.js';
import type { GradRule } from './types.js';
import { dy0 } from './types.js';

/** Where α·x + β lies strictly inside (0, 1). */
export function hardSigmoidInside(e: Emitter, x: string, alpha: number, beta: number): string {
  const [lo, hi] = [-beta / alpha, (1 - beta) / alpha].sort((a, b) => a - b) as [number, number];
  return e.op('And', [e.op('Greater', [x, e.scalar(lo, x)]), e.op('Less', [x, e.scalar(hi, x)])]);
}

export const hardSigmoid: GradRule = (c) => {
  const { e } = c;
  const x = c.x(0), g = dy0(c);
  const alpha = getFloat(c.node, 'alpha', 0.2), beta = getFloat(c.node, 'beta', 0.5);
  return [e.op('Where', [hardSigmoidInside(e, x, alpha, beta), e.op('Mul', [g, e.scalar(alpha, g)]), e.scalar(0, g)])];
};
