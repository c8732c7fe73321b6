// Appends nodes to a graph under construction: fresh names, deduplicated constants, and shape inference of every
// emitted node (so a rule sees the shape of what it just built, and a rule bug fails at once, naming the node).
import type { Attribute, Dim, Graph, Node } from '../graph.js';
import type { ShapeEnv } from '../shapes.js';
import type { DType, Tensor } from '../tensor.js';

export class Emitter {
  private readonly used = new Set<string>();
  private readonly constants = new Map<string, string>();
  /** Prefix for names of emitted nodes, set by the caller per forward node (e.g. "conv1_grad"). */
  stem = 'grad';

  constructor(readonly graph: Graph, readonly env: ShapeEnv) {
    for (const v of [...graph.inputs, ...graph.outputs]) this.used.add(v.name);
    for (const k of graph.initializers.keys()) this.used.add(k);
    for (const n of graph.nodes) {
      this.used.add(n.name);
      for (const v of [...n.inputs, ...n.outputs]) this.used.add(v);
    }
  }

  /** A name not yet used in the graph: `stem`, else `stem_1`, `stem_2`, … */
  fresh(stem: string): string {
    let name = stem;
    for (let k = 1; this.used.has(name); k++) name = `${stem}_${k}`;
    this.used.add(name);
    return name;
  }

  op(op: string, inputs: string[], attrs: Record<string, Attribute> = {}): string {
    return this.opMulti(op, inputs, 1, attrs)[0]!;
  }

  opMulti(op: string, inputs: string[], outputs: number, attrs: Record<string, Attribute> = {}): string[] {
    const name = this.fresh(`${this.stem}/${op}`);
    const outs = Array.from({ length: outputs }, (_, i) => this.fresh(outputs === 1 ? `${name}:out` : `${name}:out${i}`));
    return this.push(name, op, inputs, outs, attrs);
  }

  /** Like op(), writing a chosen value name (e.g. "loss", or the output of a node being replaced). */
  opTo(output: string, op: string, inputs: string[], attrs: Record<string, Attribute> = {}): string {
    this.used.add(output);
    return this.push(this.fresh(`${this.stem}/${op}`), op, inputs, [output], attrs)[0]!;
  }

  /** Claims a name that the caller will introduce itself (a new graph input). */
  claim(name: string): void {
    if (this.used.has(name)) throw new Error(`graph '${this.graph.name}' already has a value named '${name}'`);
    this.used.add(name);
  }

  private push(name: string, op: string, inputs: string[], outs: string[], attrs: Record<string, Attribute>): string[] {
    const node: Node = { name, op, inputs, outputs: outs, attrs };
    this.graph.nodes.push(node);
    this.env.infer(node);
    return outs;
  }

  /** A constant initializer; identical constants are shared. */
  tensor(t: Tensor): string {
    const key = t.data.length <= 64 ? `${t.dtype}|${t.dims.join(',')}|${Array.from(t.data as ArrayLike<number | bigint>).join(',')}` : undefined;
    const hit = key === undefined ? undefined : this.constants.get(key);
    if (hit) return hit;
    const name = this.fresh(`const/${t.dtype}${t.data.length <= 8 ? `[${Array.from(t.data as ArrayLike<number | bigint>).join(',')}]` : ''}`);
    this.graph.initializers.set(name, t);
    this.env.setTensor(name, t);
    if (key !== undefined) this.constants.set(key, name);
    return name;
  }

  /** An int64 vector constant (axes, shapes, pads). */
  ints(values: readonly number[]): string {
    const data = new BigInt64Array(values.length);
    values.forEach((v, i) => { data[i] = BigInt(v); });
    return this.tensor({ dtype: 'int64', dims: [values.length], data });
  }

  /** A float scalar of the same dtype as `like`. */
  scalar(value: number, like: string): string {
    return this.tensor(floatTensor(this.dtype(like), [], [value]));
  }

  shape(name: string): Dim[] {
    return this.env.shape(name);
  }

  dtype(name: string): DType {
    return this.env.dtype(name);
  }

  rank(name: string): number {
    return this.env.rank(name);
  }
}

export function isFloat(d: DType): boolean {
  return d === 'float32' || d === 'float64';
}

export function floatTensor(dtype: DType, dims: number[], values: ArrayLike<number>): Tensor {
  if (!isFloat(dtype)) throw new Error(`expected a float dtype, got ${dtype}`);
  const data = dtype === 'float64' ? new Float64Array(values) : new Float32Array(values);
  return { dtype, dims, data };
}
