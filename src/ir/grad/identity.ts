// Identity, and Dropout at inference (training_mode absent or false): the gradient passes through unchanged.
import type { GradRule } from './types.js';
import { dy0, where } from './types.js';

export const identity: GradRule = (c) => {
  if (c.node.op === 'Dropout' && c.x(2)) {
    const mode = c.e.env.value(c.x(2));
    const t = c.e.graph.initializers.get(c.x(2));
    const on = t ? Number(t.data[0]) !== 0 : mode ? mode[0] !== 0 : true;
    if (on) throw new Error(`${where(c)}: Dropout in training mode is not supported (it is random); use it at inference`);
  }
  return [dy0(c)];
};
