// A small graph builder: ops in, unique value names out.
import { attr, type Attribute, type Dim, type Graph, type Node, type ValueInfo } from './graph.js';
import { int64, float32, type DType, type Tensor } from './tensor.js';

export class GraphBuilder {
  readonly nodes: Node[] = [];
  readonly initializers = new Map<string, Tensor>();
  readonly inputs: ValueInfo[] = [];
  readonly outputs: ValueInfo[] = [];
  private readonly used = new Set<string>();
  private counter = 0;

  constructor(readonly name: string, readonly opset = 13) {}

  /** A fresh value name with the given stem ("conv1/out" → "conv1/out", then "conv1/out_1", …). */
  fresh(stem: string): string {
    let name = stem;
    while (this.used.has(name)) name = `${stem}_${++this.counter}`;
    this.used.add(name);
    return name;
  }

  input(name: string, dtype: DType, shape: Dim[]): string {
    this.claim(name);
    this.inputs.push({ name, dtype, shape });
    return name;
  }

  /** A named initializer (a parameter or buffer, e.g. "conv1.weight"). */
  initializer(name: string, tensor: Tensor): string {
    this.claim(name);
    this.initializers.set(name, tensor);
    return name;
  }

  /** An anonymous constant initializer. */
  constant(tensor: Tensor, stem = 'const'): string {
    const name = this.fresh(stem);
    this.initializers.set(name, tensor);
    return name;
  }

  constInt64(values: number[], stem = 'const'): string {
    return this.constant(int64([values.length], values), stem);
  }

  constFloat(value: number, stem = 'const'): string {
    return this.constant(float32([], [value]), stem);
  }

  /** Adds one node with a single output and returns that output's name. */
  op(op: string, inputs: string[], attrs: Record<string, Attribute> = {}, stem?: string): string {
    return this.opMulti(op, inputs, 1, attrs, stem)[0]!;
  }

  /** Adds one node with `outputs` outputs. */
  opMulti(op: string, inputs: string[], outputs: number, attrs: Record<string, Attribute> = {}, stem?: string): string[] {
    const base = stem ?? op.toLowerCase();
    const nodeName = this.fresh(`${base}`);
    const outs = Array.from({ length: outputs }, (_, i) => this.fresh(outputs === 1 ? `${nodeName}:out` : `${nodeName}:out${i}`));
    this.nodes.push({ name: nodeName, op, inputs, outputs: outs, attrs });
    return outs;
  }

  output(name: string, dtype: DType, shape: Dim[]): void {
    this.outputs.push({ name, dtype, shape });
  }

  /** Renames the value `from` (produced by the last node writing it) to `to`, e.g. to expose "logits". */
  rename(from: string, to: string): string {
    this.claim(to);
    for (const n of this.nodes) {
      n.inputs = n.inputs.map((x) => (x === from ? to : x));
      n.outputs = n.outputs.map((x) => (x === from ? to : x));
    }
    return to;
  }

  build(): Graph {
    return {
      name: this.name,
      opset: this.opset,
      inputs: [...this.inputs],
      outputs: [...this.outputs],
      nodes: [...this.nodes],
      initializers: new Map(this.initializers),
    };
  }

  private claim(name: string): void {
    if (this.used.has(name)) throw new Error(`graph '${this.name}': value name '${name}' is already used`);
    this.used.add(name);
  }
}

export { attr };
