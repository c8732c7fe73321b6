// The graph model terrain works on: a readable mirror of ONNX GraphProto.
import type { DType, Tensor } from './tensor.js';

/** A dimension: a fixed size, or a symbolic name such as "N" for the batch. */
export type Dim = number | string;

export interface ValueInfo {
  name: string;
  dtype: DType;
  shape: Dim[];
}

export type Attribute =
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'string'; value: string }
  | { type: 'ints'; value: number[] }
  | { type: 'floats'; value: number[] }
  | { type: 'strings'; value: string[] }
  | { type: 'tensor'; value: Tensor };

export interface Node {
  name: string;
  op: string;
  /** '' is the default ONNX domain. */
  domain?: string;
  /** '' marks an omitted optional input, as in ONNX. */
  inputs: string[];
  outputs: string[];
  attrs: Record<string, Attribute>;
}

export interface Graph {
  name: string;
  opset: number;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  nodes: Node[];
  initializers: Map<string, Tensor>;
}

/** Attribute constructors: ONNX distinguishes ints from floats, so the caller says which. */
export const attr = {
  int: (value: number): Attribute => ({ type: 'int', value }),
  float: (value: number): Attribute => ({ type: 'float', value }),
  string: (value: string): Attribute => ({ type: 'string', value }),
  ints: (value: number[]): Attribute => ({ type: 'ints', value }),
  floats: (value: number[]): Attribute => ({ type: 'floats', value }),
  strings: (value: string[]): Attribute => ({ type: 'strings', value }),
  tensor: (value: Tensor): Attribute => ({ type: 'tensor', value }),
};

export function getInt(node: Node, key: string, fallback: number): number {
  const a = node.attrs[key];
  if (!a) return fallback;
  if (a.type !== 'int') throw new Error(`node '${node.name}' (${node.op}): attribute '${key}' should be an int, got ${a.type}`);
  return a.value;
}

export function getFloat(node: Node, key: string, fallback: number): number {
  const a = node.attrs[key];
  if (!a) return fallback;
  if (a.type !== 'float' && a.type !== 'int') throw new Error(`node '${node.name}' (${node.op}): attribute '${key}' should be a float, got ${a.type}`);
  return a.value;
}

export function getInts(node: Node, key: string, fallback: number[] | undefined): number[] | undefined {
  const a = node.attrs[key];
  if (!a) return fallback;
  if (a.type !== 'ints') throw new Error(`node '${node.name}' (${node.op}): attribute '${key}' should be ints, got ${a.type}`);
  return a.value;
}

export function getString(node: Node, key: string, fallback: string): string {
  const a = node.attrs[key];
  if (!a) return fallback;
  if (a.type !== 'string') throw new Error(`node '${node.name}' (${node.op}): attribute '${key}' should be a string, got ${a.type}`);
  return a.value;
}

/** A shallow copy whose node list and initializer map may be changed without touching the original. */
export function cloneGraph(g: Graph): Graph {
  return {
    name: g.name,
    opset: g.opset,
    inputs: g.inputs.map((v) => ({ ...v, shape: [...v.shape] })),
    outputs: g.outputs.map((v) => ({ ...v, shape: [...v.shape] })),
    nodes: g.nodes.map((n) => ({ ...n, inputs: [...n.inputs], outputs: [...n.outputs], attrs: { ...n.attrs } })),
    initializers: new Map(g.initializers),
  };
}

/** A copy of `graph` whose initializers are replaced by the given tensors (others untouched). */
export function withInitializers(graph: Graph, tensors: ReadonlyMap<string, Tensor>): Graph {
  const init = new Map(graph.initializers);
  for (const [k, t] of tensors) {
    if (!init.has(k)) throw new Error(`graph '${graph.name}' has no initializer '${k}'`);
    init.set(k, t);
  }
  return { ...graph, initializers: init };
}
