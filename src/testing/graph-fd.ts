// Test support: the gradient of an arbitrary graph at given input values against central finite differences.
// f = Σ_j ⟨output_j, R_j⟩ with seeded random R_j; autodiff's ∂f/∂x for every float input, run by ORT, against
// (f(x + h·e_k) − f(x − h·e_k)) / 2h on a sample of coordinates k. In float64 when ORT has float64 kernels for
// the graph's ops, else float32 with a coarser step and tolerance. (src/ir/grad/check.ts does the same for one-op
// graphs it builds itself with random values; this one takes a given graph and its given inputs.)
import { Session } from '../engine/session.js';
import { differentiate } from '../ir/autodiff.js';
import { attr, cloneGraph, type Graph } from '../ir/graph.js';
import { inferShapes } from '../ir/shapes/index.js';
import type { Tensor } from '../ir/tensor.js';
import { isFloat } from '../ir/grad/emitter.js';
import { widenGraph, widenTensor } from '../ir/grad/float64.js';
import type { RandomSource } from './grad-check.js';

export interface GraphFdOptions {
  rng: RandomSource & { int?(n: number): number };
  /** Coordinates checked per input (all when the input is smaller). */
  coordinates?: number;
  /** Rewrites each graph just before ORT runs it (fused LSTM/GRU/RNN, float32-only in ORT, into primitives). */
  lower?: (g: Graph) => Graph;
}

export interface GraphFdReport {
  dtype: 'float64' | 'float32';
  checked: number;
  maxError: number;
}

async function tryFloat64(graph: Graph): Promise<Session | undefined> {
  try {
    return await Session.create(widenGraph(graph));
  } catch {
    return undefined;
  }
}

/** Throws, naming the input and coordinate, when autodiff and finite differences disagree. */
export async function checkGraphGradient(graph: Graph, feeds: Record<string, Tensor>, o: GraphFdOptions): Promise<GraphFdReport> {
  const lower = o.lower ?? ((x: Graph) => x);
  const probe = await tryFloat64(lower(graph));
  await probe?.dispose();
  const wide = probe !== undefined;
  const dtype = wide ? 'float64' : 'float32';
  const base = wide ? widenGraph(graph) : cloneGraph(graph);
  const x = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, wide ? widenTensor(t) : t]));
  const env = inferShapes(base);
  const outs = base.outputs.filter((v) => isFloat(env.dtype(v.name)));
  const wrt = base.inputs.filter((v) => isFloat(v.dtype)).map((v) => v.name);
  if (outs.length === 0 || wrt.length === 0) throw new Error(`graph '${graph.name}' has no float input or output to check`);

  const g = cloneGraph(base);
  const terms = outs.map((v, j) => {
    const w = `fd:weight${j}`, p = `fd:prod${j}`, s = `fd:sum${j}`;
    g.inputs.push({ name: w, dtype, shape: env.shape(v.name) });
    g.nodes.push({ name: p, op: 'Mul', inputs: [v.name, w], outputs: [p], attrs: {} });
    g.nodes.push({ name: s, op: 'ReduceSum', inputs: [p], outputs: [s], attrs: { keepdims: attr.int(0) } });
    return s;
  });
  g.nodes.push({ name: 'fd:f', op: 'Sum', inputs: terms, outputs: ['fd:f'], attrs: {} });
  g.outputs = [{ name: 'fd:f', dtype, shape: [] }];
  const weights: Record<string, Tensor> = {};
  outs.forEach((v, j) => {
    const shape = env.shape(v.name) as number[];
    const n = shape.reduce((a, d) => a * d, 1);
    const data = Array.from({ length: n }, () => o.rng.normal());
    weights[`fd:weight${j}`] = { dtype, dims: shape, data: wide ? Float64Array.from(data) : Float32Array.from(data) };
  });
  const d = differentiate(g, { of: 'fd:f', wrt });
  for (const [w, name] of d.grads) d.graph.outputs.push({ name, dtype, shape: d.env.shape(w) });

  const fSession = await Session.create(lower(g));
  const gSession = await Session.create(lower(d.graph));
  try {
    const all = { ...x, ...weights };
    const grads = await gSession.run(all, [...d.grads.values()]);
    const f = async (feed: Record<string, Tensor>) => Number((await fSession.run(feed, ['fd:f']))['fd:f']!.data[0]);
    const h = wide ? 1e-6 : 1e-2, rtol = wide ? 1e-5 : 2e-2, atol = wide ? 1e-6 : 5e-3;
    let checked = 0, maxError = 0;
    for (const w of wrt) {
      const data = x[w]!.data as Float64Array | Float32Array;
      const got = grads[d.grads.get(w)!]!.data as Float64Array | Float32Array;
      const want = Math.min(o.coordinates ?? 16, data.length);
      const picks = data.length <= want ? [...data.keys()] : Array.from({ length: want }, () => Math.floor(o.rng.uniform() * data.length));
      for (const k of picks) {
        const keep = data[k]!;
        data[k] = keep + h; const up = await f(all);
        data[k] = keep - h; const down = await f(all);
        data[k] = keep;
        const fd = (up - down) / (2 * h), ad = got[k]!;
        const err = Math.abs(fd - ad);
        maxError = Math.max(maxError, err);
        checked++;
        if (!(err <= atol + rtol * Math.max(Math.abs(fd), Math.abs(ad)))) {
          throw new Error(`${graph.name}: ∂f/∂${w}[${k}]: autodiff ${ad}, finite difference ${fd} (${dtype}, |error| ${err.toExponential(2)})`);
        }
      }
    }
    return { dtype, checked, maxError };
  } finally {
    await fSession.dispose();
    await gSession.dispose();
  }
}
