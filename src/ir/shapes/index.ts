// Shape and dtype inference with symbolic dims ("N"), plus the contents of small int64 tensors (shape vectors, axes)
// so that Reshape/Expand/ReduceSum targets built from Shape(x) or constants stay known. Autodiff rules rely on it to
// decide broadcast reductions without hard-coding the batch size.
import type { Dim, Graph, Node } from '../graph.js';
import type { DType, Tensor } from '../tensor.js';
import { SHAPE_RULES } from './table.js';
import { showShape } from './dims.js';

export interface ValueType {
  dtype: DType;
  shape: Dim[];
}

export type ShapeRule = (node: Node, env: ShapeEnv) => void;

/** Largest int64 tensor whose contents are tracked (shape vectors, axes lists, scalars). */
const TRACK_LIMIT = 64;

export class ShapeEnv {
  private readonly types = new Map<string, ValueType>();
  private readonly values = new Map<string, Dim[]>();

  constructor(graph?: Graph) {
    if (!graph) return;
    for (const v of graph.inputs) this.set(v.name, { dtype: v.dtype, shape: [...v.shape] });
    for (const [name, t] of graph.initializers) this.setTensor(name, t);
  }

  has(name: string): boolean {
    return this.types.has(name);
  }

  /** The type of a value; throws naming the value when it is unknown. */
  type(name: string): ValueType {
    const t = this.types.get(name);
    if (!t) throw new Error(`value '${name}' is not produced by any node, graph input or initializer`);
    return t;
  }

  shape(name: string): Dim[] {
    return this.type(name).shape;
  }

  dtype(name: string): DType {
    return this.type(name).dtype;
  }

  rank(name: string): number {
    return this.type(name).shape.length;
  }

  set(name: string, t: ValueType, value?: Dim[]): void {
    this.types.set(name, { dtype: t.dtype, shape: [...t.shape] });
    if (value) this.values.set(name, value);
  }

  /** Registers a constant tensor, tracking its contents when it is a small integer tensor. */
  setTensor(name: string, t: Tensor): void {
    let value: Dim[] | undefined;
    if ((t.dtype === 'int64' || t.dtype === 'int32') && t.data.length <= TRACK_LIMIT && t.dims.length <= 1) {
      value = Array.from(t.data as ArrayLike<number | bigint>, (x) => Number(x));
    }
    this.set(name, { dtype: t.dtype, shape: [...t.dims] }, value);
  }

  /** Contents of a tracked int tensor (entries may be symbolic), or undefined. */
  value(name: string): Dim[] | undefined {
    return this.values.get(name);
  }

  /** Contents of a tracked int tensor that must be fully numeric (axes, pads, …). */
  ints(node: Node, i: number, what: string): number[] {
    const name = node.inputs[i] ?? '';
    const v = name ? this.values.get(name) : undefined;
    if (!v) throw new Error(`${what} (input ${i}, '${name}') must be a constant or computed from shapes`);
    if (!v.every((d) => typeof d === 'number')) throw new Error(`${what} (input ${i}) holds symbolic values ${showShape(v)}`);
    return v as number[];
  }

  /** Input i's type; '' (omitted optional input) is an error. */
  input(node: Node, i: number): ValueType {
    const name = node.inputs[i];
    if (!name) throw new Error(`input ${i} is missing`);
    return this.type(name);
  }

  output(node: Node, i: number, t: ValueType, value?: Dim[]): void {
    const name = node.outputs[i];
    if (name) this.set(name, t, value);
  }

  /** Infers the outputs of one node; errors name the node, its op and the reason. */
  infer(node: Node): void {
    const rule = (node.domain ?? '') === '' ? SHAPE_RULES[node.op] : undefined;
    const where = `node '${node.name}' (${node.op})`;
    if (!rule) throw new Error(`${where}: shape inference does not know op '${node.op}'${node.domain ? ` of domain '${node.domain}'` : ''}`);
    for (const name of node.inputs) {
      if (name && !this.types.has(name)) throw new Error(`${where}: input '${name}' is not produced by any earlier node, graph input or initializer`);
    }
    try {
      rule(node, this);
    } catch (e) {
      const msg = (e as Error).message;
      throw new Error(msg.startsWith('node ') ? msg : `${where}: ${msg}`);
    }
  }
}

/** Types of every value in a graph, whose nodes must be in topological order. */
export function inferShapes(graph: Graph): ShapeEnv {
  const env = new ShapeEnv(graph);
  for (const n of graph.nodes) env.infer(n);
  return env;
}
