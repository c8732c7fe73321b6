// Appends nodes to a graph under construction: fresh names, shape inference of every emitted node (so a rule sees
// the shape of what it just built, and a rule bug fails at once, naming the node), and common-subexpression reuse:
// a node identical to one already in the graph (same op, inputs, attributes) is not emitted again, and small
// integer constants are shared. Rules rely on this, e.g. the BatchNormalization rule finds the centred input that
// the train-mode rewrite already computes.
import type { Attribute, Dim, Graph, Node } from '../graph.js';
import type { ShapeEnv } from '../shapes/index.js';
import type { DType, Tensor } from '../tensor.js';

export interface EmitterOptions {
  /** Reuse nodes already in the graph (default true); false while the node list is being rebuilt. */
  reuseExisting?: boolean;
}

const tensorKey = (t: Tensor): string | undefined =>
  t.data.length <= 64 ? `${t.dtype}|${t.dims.join(',')}|${Array.from(t.data as ArrayLike<number | bigint>).join(',')}` : undefined;

const nodeKey = (op: string, inputs: readonly string[], attrs: Record<string, Attribute>): string =>
  `${op}(${inputs.join(',')})${JSON.stringify(Object.entries(attrs).sort(([a], [b]) => (a < b ? -1 : 1)), (_, v) => (typeof v === 'bigint' ? v.toString() : v))}`;

export class Emitter {
  private readonly used = new Set<string>();
  private readonly constants = new Map<string, string>();
  private readonly nodes = new Map<string, string>();
  private readonly suffix = new Map<string, number>();
  /** Prefix for names of emitted nodes, set by the caller per forward node (e.g. "conv1_grad"). */
  stem = 'grad';

  constructor(readonly graph: Graph, readonly env: ShapeEnv, opts: EmitterOptions = {}) {
    for (const v of [...graph.inputs, ...graph.outputs]) this.used.add(v.name);
    for (const [k, t] of graph.initializers) {
      this.used.add(k);
      // Only integer constants (axes, shapes): a float initializer may be a parameter that is replaced later.
      const key = t.dtype === 'int64' ? tensorKey(t) : undefined;
      if (key !== undefined && !this.constants.has(key)) this.constants.set(key, k);
    }
    for (const n of graph.nodes) {
      this.used.add(n.name);
      for (const v of [...n.inputs, ...n.outputs]) this.used.add(v);
      if ((opts.reuseExisting ?? true) && n.outputs.length === 1 && (n.domain ?? '') === '') this.nodes.set(nodeKey(n.op, n.inputs, n.attrs), n.outputs[0]!);
    }
  }

  /** A name not yet used in the graph: `stem`, else `stem_1`, `stem_2`, … */
  fresh(stem: string): string {
    let name = stem;
    let k = this.suffix.get(stem) ?? 0;
    while (this.used.has(name)) name = `${stem}_${++k}`;
    this.suffix.set(stem, k);
    this.used.add(name);
    return name;
  }

  op(op: string, inputs: string[], attrs: Record<string, Attribute> = {}): string {
    return this.opMulti(op, inputs, 1, attrs)[0]!;
  }

  opMulti(op: string, inputs: string[], outputs: number, attrs: Record<string, Attribute> = {}): string[] {
    const key = outputs === 1 ? nodeKey(op, inputs, attrs) : undefined;
    const hit = key === undefined ? undefined : this.nodes.get(key);
    if (hit) return [hit];
    const name = this.fresh(`${this.stem}/${op}`);
    const outs = Array.from({ length: outputs }, (_, i) => this.fresh(outputs === 1 ? `${name}:out` : `${name}:out${i}`));
    this.push(name, op, inputs, outs, attrs);
    if (key !== undefined) this.nodes.set(key, outs[0]!);
    return outs;
  }

  /** Like op(), writing a chosen value name (e.g. "loss", or the output of a node being replaced). */
  opTo(output: string, op: string, inputs: string[], attrs: Record<string, Attribute> = {}): string {
    this.used.add(output);
    this.push(this.fresh(`${this.stem}/${op}`), op, inputs, [output], attrs);
    const key = nodeKey(op, inputs, attrs);
    if (!this.nodes.has(key)) this.nodes.set(key, output);
    return output;
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
    const key = tensorKey(t);
    const hit = key === undefined ? undefined : this.constants.get(key);
    if (hit) return hit;
    const name = this.fresh(`const/${t.dtype}${t.data.length <= 8 ? `[${Array.from(t.data as ArrayLike<number | bigint>).join(',')}]` : ''}`);
    this.graph.initializers.set(name, t);
    this.env.setTensor(name, t);
    if (key !== undefined) this.constants.set(key, name);
    return name;
  }

  /**
   * A constant under a name that identifies its content (e.g. "const/onehot-taps/float32/16x3x3"), shared by every
   * emitter working on the graph: a second differentiation pass finds the first pass's tensor, so nodes reading it
   * are reused too (the big tensors that `tensor` does not compare, such as im2col kernels).
   */
  namedTensor(name: string, make: () => Tensor): string {
    if (this.graph.initializers.has(name)) return name;
    this.claim(name);
    const t = make();
    this.graph.initializers.set(name, t);
    this.env.setTensor(name, t);
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
