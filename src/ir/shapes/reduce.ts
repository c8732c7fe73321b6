// Shape rules of reductions (axes as attribute or, for ReduceSum from opset 13, as input) and ArgMax/ArgMin.
import type { Node } from '../graph.js';
import { getInt } from '../graph.js';
import type { ShapeEnv, ShapeRule } from './index.js';
import { normAxis } from './dims.js';
import { axesOf } from './tensor-ops.js';

/** The reduced axes of a Reduce* node, normalised; undefined when the node is a no-op (noop_with_empty_axes). */
export function reducedAxes(node: Node, env: ShapeEnv, rank: number): number[] | undefined {
  const given = axesOf(node, env, 1);
  if (!given || given.length === 0) {
    if (getInt(node, 'noop_with_empty_axes', 0) === 1) return undefined;
    return Array.from({ length: rank }, (_, i) => i);
  }
  return [...new Set(given.map((a) => normAxis(a, rank, node.op)))].sort((a, b) => a - b);
}

export const reduce: ShapeRule = (node, env) => {
  const x = env.input(node, 0);
  const axes = reducedAxes(node, env, x.shape.length);
  const keep = getInt(node, 'keepdims', 1) === 1;
  const shape = axes === undefined ? x.shape : x.shape.flatMap((d, i) => (axes.includes(i) ? (keep ? [1] : []) : [d]));
  env.output(node, 0, { dtype: x.dtype, shape });
};

export const argReduce: ShapeRule = (node, env) => {
  const x = env.input(node, 0);
  const axis = normAxis(getInt(node, 'axis', 0), x.shape.length, node.op);
  const keep = getInt(node, 'keepdims', 1) === 1;
  const shape = x.shape.flatMap((d, i) => (i === axis ? (keep ? [1] : []) : [d]));
  env.output(node, 0, { dtype: 'int64', shape });
};
