// Shape rules of the normalisation layers that modern exports contain: LayerNormalization (opset 17),
// InstanceNormalization, GroupNormalization (opset 18; lowered at import, ../import/opset.ts).
import { getInt } from '../graph.js';
import type { ShapeRule } from './index.js';
import { broadcastShapes, eqDim, eqShape, normAxis, showShape } from './dims.js';

/** The normalised axes of a LayerNormalization node: `axis` to the last. */
export function layerNormAxes(axis: number, rank: number): number[] {
  const a = normAxis(axis, rank, 'LayerNormalization');
  return Array.from({ length: rank - a }, (_, i) => a + i);
}

/** Y like X; Mean and InvStdDev (optional outputs) like X with the normalised axes set to 1. */
export const layerNorm: ShapeRule = (node, env) => {
  const x = env.input(node, 0);
  const axes = layerNormAxes(getInt(node, 'axis', -1), x.shape.length);
  const tail = x.shape.slice(axes[0]);
  for (const i of [1, 2]) {
    if (!node.inputs[i]) continue;
    const s = env.input(node, i).shape;
    const b = broadcastShapes([tail, s]);
    if (typeof b === 'string' || !eqShape(b, tail)) throw new Error(`input ${i} ${showShape(s)} does not broadcast to the normalised dims ${showShape(tail)}`);
  }
  env.output(node, 0, x);
  // Mean and InvStdDev have the stash type (float32 by default), whatever X's type.
  const stash = getInt(node, 'stash_type', 1);
  const stat = { dtype: stash === 1 ? 'float32' as const : stash === 11 ? 'float64' as const : x.dtype, shape: x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) };
  env.output(node, 1, stat);
  env.output(node, 2, stat);
};

/** X [N, C, ...]; scale and B [C] (InstanceNormalization) or [num_groups] (GroupNormalization-18). */
function perChannel(groups: boolean): ShapeRule {
  return (node, env) => {
    const x = env.input(node, 0);
    if (x.shape.length < 3) throw new Error(`X must be [N, C, ...spatial], got ${showShape(x.shape)}`);
    const groupCount = getInt(node, 'num_groups', 0);
    const channels = x.shape[1]!;
    if (groups && (groupCount < 1 || (typeof channels === 'number' && channels % groupCount !== 0))) {
      throw new Error(`num_groups ${groupCount} does not divide the ${channels} channels`);
    }
    const want = groups ? groupCount : channels;
    for (const i of [1, 2]) {
      const s = env.input(node, i).shape;
      if (s.length !== 1 || !eqDim(s[0]!, want)) throw new Error(`input ${i} should be [${want}], got ${showShape(s)}`);
    }
    env.output(node, 0, x);
  };
}

export const instanceNorm = perChannel(false);
export const groupNorm = perChannel(true);
