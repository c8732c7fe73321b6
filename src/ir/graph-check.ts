// Structural checks of a user's ONNX graph before terrain or ONNX Runtime works on it. ORT would refuse these too,
// but only when a session is created, with a message that names neither the file nor what to fix (and some, like a
// huge axis, can make rewriting passes allocate or loop before that).
import type { Graph } from './graph.js';
import { InputError } from './errors.js';

/** No tensor terrain handles has more axes; an axis attribute beyond ±this is corrupt whatever the shapes are. */
export const MAX_RANK = 64;

export class GraphCheckError extends InputError {
  override name = 'GraphCheckError';
}

/** Every value is defined once (graph inputs may repeat initializers, as IR < 4 files do); graph outputs are
 * distinct and defined; axis attributes are within the rank of their input where it is known, else within MAX_RANK. */
export function checkGraph(graph: Graph, source: string): void {
  const fail = (what: string): never => { throw new GraphCheckError(`${source}: ${what}`); };
  const defined = new Map<string, string>();
  for (const v of graph.inputs) {
    if (defined.has(v.name)) fail(`graph input '${v.name}' is listed twice`);
    defined.set(v.name, 'a graph input');
  }
  for (const name of graph.initializers.keys()) if (!defined.has(name)) defined.set(name, 'an initializer');
  for (const n of graph.nodes) {
    for (const out of n.outputs) {
      if (out === '') continue; // an omitted optional output
      const before = defined.get(out);
      if (before !== undefined) fail(`node '${n.name}' (${n.op}) defines '${out}', which is already ${before}; every name must be defined once (re-export the model)`);
      defined.set(out, `the output of node '${n.name}' (${n.op})`);
    }
  }
  const outs = new Set<string>();
  for (const v of graph.outputs) {
    if (outs.has(v.name)) fail(`graph output '${v.name}' is listed twice; give each output its own name`);
    outs.add(v.name);
    if (!defined.has(v.name)) fail(`graph output '${v.name}' is not computed by any node`);
  }
  const rank = new Map<string, number>();
  for (const v of [...graph.inputs, ...graph.outputs]) if (v.shape.length > 0) rank.set(v.name, v.shape.length);
  for (const [name, t] of graph.initializers) rank.set(name, t.dims.length);
  for (const n of graph.nodes) {
    const a = n.attrs['axis'];
    if (!a || a.type !== 'int') continue;
    const r = n.inputs[0] !== undefined ? rank.get(n.inputs[0]) : undefined;
    // Ops whose axis may equal the rank (a new axis) accept [-r-1, r].
    const newAxis = n.op === 'Unsqueeze' || n.op === 'ConcatFromSequence';
    const limit = r !== undefined && r > 0 ? r + (newAxis ? 1 : 0) : MAX_RANK;
    if (!Number.isSafeInteger(a.value) || a.value < -limit || a.value >= limit) {
      fail(`node '${n.name}' (${n.op}): axis ${a.value} is outside [${-limit}, ${limit - 1}]${r !== undefined && r > 0 ? ` for its rank-${r} input '${n.inputs[0]}'` : ''}`);
    }
  }
}
