// The vocabulary of a gradient rule, after ONNX Runtime's gradient builders: a rule sees one forward node, the
// gradients of its outputs, and which input gradients are wanted; it emits ONNX nodes and returns their names.
import type { Node } from '../graph.js';
import type { Emitter } from './emitter.js';

export interface GradContext {
  readonly node: Node;
  readonly e: Emitter;
  /** Name of input i ('' for an omitted optional input). */
  x(i: number): string;
  /** Name of output i. */
  y(i: number): string;
  /** Gradient of output i, or undefined when nothing flows back into it. */
  dy(i: number): string | undefined;
  /** Whether the gradient of input i is wanted (it depends on a differentiated value). */
  needs(i: number): boolean;
}

/** Returns the gradient for each input (undefined where none is wanted or it is zero). */
export type GradRule = (c: GradContext) => (string | undefined)[];

/** The attribute reader's prefix for errors: "node 'conv1' (Conv)". */
export function where(c: GradContext): string {
  return `node '${c.node.name}' (${c.node.op})`;
}

/** Gradient of output 0, which every single-output rule requires. */
export function dy0(c: GradContext): string {
  const g = c.dy(0);
  if (!g) throw new Error(`${where(c)}: no gradient flows into output '${c.y(0)}'`);
  return g;
}
