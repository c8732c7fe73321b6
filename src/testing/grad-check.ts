// The shared numeric checker of gradient rules: a one-op graph, f = Σ_j ⟨output_j, R_j⟩ with random weights R_j,
// differentiated by autodiff and run in ORT, against central finite differences whose sums are accumulated in
// float64. With order 2 it also checks Hessian-vector products (the rule's backward graph differentiated again)
// against finite differences of the gradient. Symbolic dims ('N') stay symbolic in the graph, and the gradient
// graph is run at a second batch size to prove it does not hard-code one.
// Test infrastructure: it runs ORT, so it imports the engine layer (as ir tests do).
import { Session } from '../engine/session.js';
import { differentiate } from '../ir/autodiff.js';
import { GraphBuilder } from '../ir/builder.js';
import { attr, type Attribute, type Dim, type Graph } from '../ir/graph.js';
import { inferShapes } from '../ir/shapes/index.js';
import { sizeOf, type DType, type Tensor } from '../ir/tensor.js';
import { floatTensor, isFloat } from '../ir/grad/emitter.js';

/** The part of src/core/rng.ts's Rng the checker needs (ir may not import core). */
export interface RandomSource {
  uniform(): number;
  normal(): number;
}

export type Sampler = (rng: RandomSource) => number;

/** Uniform in ±[0.2, 1]: away from the kinks of Relu, LeakyRelu and Abs at 0. */
export const awayFromZero: Sampler = (rng) => (rng.uniform() < 0.5 ? -1 : 1) * (0.2 + 0.8 * rng.uniform());
/** Uniform in [0.5, 1.5]: for Log, Sqrt, Div denominators, Pow bases. */
export const positive: Sampler = (rng) => 0.5 + rng.uniform();

/** Fills a whole tensor of n entries at once (for values that must keep their distance from each other). */
export type Fill = (rng: RandomSource, n: number) => number[];

/**
 * A shuffled grid with the given spacing (plus jitter below a quarter of it): no two entries closer than
 * 3/4·spacing, so finite differences never cross a MaxPool tie.
 */
export function distinct(spacing = 0.05): Fill {
  return (rng, n) => {
    const values = Array.from({ length: n }, (_, k) => (k - (n - 1) / 2) * spacing + 0.25 * spacing * rng.uniform());
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1));
      [values[i], values[j]] = [values[j]!, values[i]!];
    }
    return values;
  };
}

/** A random float input (differentiated unless check is false), or a fixed tensor (an initializer, not checked). */
export type InputSpec = Dim[] | { shape: Dim[]; sample?: Sampler; fill?: Fill; check?: boolean } | Tensor;

export interface CheckOptions {
  inputs: InputSpec[];
  attrs?: Record<string, Attribute>;
  /** Number of node outputs (default 1); every float output is weighted. */
  outputs?: number;
  rng: RandomSource;
  /** Value of the symbolic dim 'N' (default 2). */
  batch?: number;
  /** Element type of the graph; float32 for ops ORT runs only in float32 (Conv, pools). Default float64. */
  dtype?: 'float64' | 'float32';
  sample?: Sampler;
  /** Fills each random input at once; takes precedence over `sample`. */
  fill?: Fill;
  /** Rewrites the one-op graph before differentiation (e.g. bnToTrainMode), keeping the op's output names. */
  rewrite?: (g: Graph) => Graph;
  /** Opset of the one-op graph (default 13; HardSwish needs 14, LayerNormalization 17). */
  opset?: number;
  /** 2 also checks Hessian-vector products of f. */
  order?: 1 | 2;
  /** Rewrites each graph just before ORT runs it (e.g. fused ops ORT runs only in float32 into primitives). */
  lower?: (g: Graph) => Graph;
  h?: number;
  rtol?: number;
  atol?: number;
}

export interface CheckReport {
  dtype: DType;
  /** Largest |autodiff − finite difference| and the tolerance used, first order (and second when checked). */
  first: { maxError: number; entries: number };
  second?: { maxError: number; entries: number };
}

const isTensor = (s: InputSpec): s is Tensor => !Array.isArray(s) && 'data' in s;

interface Built {
  graph: Graph;
  random: { name: string; shape: Dim[]; fill: Fill; check: boolean }[];
  weighted: { name: string; weight: string }[];
  f: string;
}

function buildOneOp(op: string, o: CheckOptions, dtype: DType): Built {
  const b = new GraphBuilder(`check ${op}`, o.opset ?? 13);
  const random: Built['random'] = [];
  const names = o.inputs.map((spec, i) => {
    if (isTensor(spec)) {
      const t = isFloat(spec.dtype) ? floatTensor(dtype, spec.dims, spec.data as Float64Array) : spec;
      return b.initializer(`fixed${i}`, t);
    }
    const s = Array.isArray(spec) ? { shape: spec } : spec;
    const name = b.input(`x${i}`, dtype, s.shape);
    const sample = s.sample ?? o.sample ?? awayFromZero;
    const fill: Fill = s.fill ?? (s.sample ? undefined : o.fill) ?? ((rng, n) => Array.from({ length: n }, () => sample(rng)));
    random.push({ name, shape: s.shape, fill, check: s.check ?? true });
    return name;
  });
  const outs = b.opMulti(op, names, o.outputs ?? 1, o.attrs ?? {}, op.toLowerCase());
  const env = inferShapes(b.build());
  const weighted: Built['weighted'] = [];
  const terms: string[] = [];
  for (const y of outs) {
    if (!isFloat(env.dtype(y))) continue;
    const weight = b.input(`weight:${y}`, dtype, env.shape(y));
    weighted.push({ name: y, weight });
    terms.push(b.op('ReduceSum', [b.op('Mul', [y, weight])], { keepdims: attr.int(0) }));
    b.output(y, dtype, env.shape(y));
  }
  const f = terms.length === 1 ? terms[0]! : b.op('Sum', terms);
  const graph = o.rewrite ? o.rewrite(b.build()) : b.build();
  return { graph, random, weighted, f };
}

/** Dims with 'N' (also inside products such as "2*N") replaced by the batch size. */
const concrete = (shape: Dim[], batch: number): number[] =>
  shape.map((d) => (typeof d === 'number' ? d : d.split('*').reduce((p, f) => p * (f === 'N' ? batch : /^\d+$/.test(f) ? Number(f) : fail(d)), 1)));

function fail(dim: string): never {
  throw new Error(`symbolic dim '${dim}': only 'N' is supported by the checker`);
}

function randomTensor(dtype: DType, dims: number[], draw: () => number): Tensor {
  return floatTensor(dtype, dims, Array.from({ length: sizeOf(dims) }, draw));
}

/** Checks autodiff of `op` against finite differences; throws with the worst entry when outside tolerance. */
export async function checkGrad(op: string, o: CheckOptions): Promise<CheckReport> {
  const dtype: DType = o.dtype ?? 'float64';
  const wide = dtype === 'float64';
  const h = o.h ?? (wide ? 1e-5 : 1e-2);
  const rtol = o.rtol ?? (wide ? 1e-6 : 1e-2);
  const atol = o.atol ?? (wide ? 1e-7 : 2e-3);
  const batch = o.batch ?? 2;
  const built = buildOneOp(op, o, dtype);
  const checked = built.random.filter((r) => r.check).map((r) => r.name);
  if (checked.length === 0) throw new Error(`checkGrad('${op}'): no input to differentiate`);

  const { graph, grads, env } = differentiate(built.graph, { of: built.f, wrt: checked });
  for (const [x, g] of grads) graph.outputs.push({ name: g, dtype, shape: env.shape(x) });

  const feedsAt = (n: number, rng: RandomSource) => {
    const feeds: Record<string, Tensor> = {};
    for (const r of built.random) {
      const dims = concrete(r.shape, n);
      feeds[r.name] = floatTensor(dtype, dims, r.fill(rng, sizeOf(dims)));
    }
    for (const w of built.weighted) feeds[w.weight] = randomTensor(dtype, concrete(env.shape(w.name), n), () => rng.normal());
    return feeds;
  };
  const feeds = feedsAt(batch, o.rng);
  const lower = o.lower ?? ((g: Graph) => g);
  const forward = await Session.create(lower(built.graph));
  const backward = await Session.create(lower(graph));
  try {
    const f = async (fd: Record<string, Tensor>): Promise<number> => {
      const out = await forward.run(fd);
      let total = 0;
      for (const w of built.weighted) {
        const y = out[w.name]!.data as Float32Array, r = fd[w.weight]!.data as Float32Array;
        for (let i = 0; i < y.length; i++) total += y[i]! * r[i]!;
      }
      return total;
    };
    const ad = await backward.run(feeds, [...grads.values()]);
    const first = { maxError: 0, entries: 0 };
    for (const x of checked) {
      const got = ad[grads.get(x)!]!.data as Float64Array;
      const base = feeds[x]!.data as Float64Array;
      for (let k = 0; k < base.length; k++) {
        const keep = base[k]!;
        base[k] = keep + h; const up = await f(feeds);
        base[k] = keep - h; const down = await f(feeds);
        base[k] = keep;
        const fd = (up - down) / (2 * h);
        compare(first, got[k]!, fd, atol, rtol, `${op}: d f / d ${x}[${k}]`);
      }
    }
    const report: CheckReport = { dtype, first };
    if (built.random.some((r) => r.shape.includes('N'))) await backward.run(feedsAt(batch + 1, o.rng), [...grads.values()]);
    if ((o.order ?? 1) === 2) report.second = await checkSecondOrder(op, graph, grads, feeds, o, { h, atol, rtol, batch });
    return report;
  } finally {
    await forward.dispose();
    await backward.dispose();
  }
}

function compare(acc: { maxError: number; entries: number }, ad: number, fd: number, atol: number, rtol: number, what: string): void {
  const err = Math.abs(ad - fd);
  acc.entries++;
  acc.maxError = Math.max(acc.maxError, err);
  if (!(err <= atol + rtol * Math.max(Math.abs(fd), Math.abs(ad)))) {
    throw new Error(`${what}: autodiff ${ad}, finite difference ${fd} (|error| ${err.toExponential(2)} > ${atol} + ${rtol}·|value|)`);
  }
}

/** Hv by autodiff of ⟨∇f, v⟩ against (∇f(x + h·v) − ∇f(x − h·v)) / 2h. */
async function checkSecondOrder(
  op: string, gradGraph: Graph, grads: Map<string, string>, feeds: Record<string, Tensor>, o: CheckOptions,
  t: { h: number; atol: number; rtol: number; batch: number },
): Promise<{ maxError: number; entries: number }> {
  const b = gradGraph;
  const dtype = o.dtype ?? 'float64';
  const g2: Graph = { ...b, inputs: [...b.inputs], outputs: [], nodes: [...b.nodes], initializers: new Map(b.initializers) };
  const env = inferShapes(g2);
  const terms: string[] = [];
  const vs = new Map<string, string>();
  for (const [x, g] of grads) {
    const v = `v:${x}`;
    g2.inputs.push({ name: v, dtype, shape: env.shape(x) });
    vs.set(x, v);
    const prod = `hvcheck/${x}/prod`, red = `hvcheck/${x}/sum`;
    g2.nodes.push({ name: prod, op: 'Mul', inputs: [g, v], outputs: [prod], attrs: {} });
    g2.nodes.push({ name: red, op: 'ReduceSum', inputs: [prod], outputs: [red], attrs: { keepdims: attr.int(0) } });
    terms.push(red);
  }
  g2.nodes.push({ name: 'hvcheck/q', op: 'Sum', inputs: terms, outputs: ['hvcheck/q'], attrs: {} });
  const second = differentiate(g2, { of: 'hvcheck/q', wrt: [...grads.keys()] });
  for (const [x, hv] of second.grads) second.graph.outputs.push({ name: hv, dtype, shape: second.env.shape(x) });
  const lower = o.lower ?? ((g: Graph) => g);
  const hvSession = await Session.create(lower(second.graph));
  const gSession = await Session.create(lower({ ...b, outputs: [...grads].map(([x, g]) => ({ name: g, dtype, shape: env.shape(x) })) }));
  try {
    const vFeeds: Record<string, Tensor> = {};
    for (const [x, v] of vs) vFeeds[v] = randomTensor(dtype, feeds[x]!.dims, () => o.rng.normal());
    const hv = await hvSession.run({ ...feeds, ...vFeeds }, [...second.grads.values()]);
    const shifted = (sign: number) => {
      const f: Record<string, Tensor> = { ...feeds };
      for (const [x, v] of vs) {
        const base = feeds[x]!.data as Float64Array, dir = vFeeds[v]!.data as Float64Array;
        f[x] = floatTensor(dtype, feeds[x]!.dims, base.map((val, i) => val + sign * t.h * dir[i]!));
      }
      return gSession.run(f, [...grads.values()]);
    };
    const up = await shifted(1), down = await shifted(-1);
    const acc = { maxError: 0, entries: 0 };
    for (const [x, g] of grads) {
      const got = hv[second.grads.get(x)!]!.data as Float64Array;
      const u = up[g]!.data as Float64Array, d = down[g]!.data as Float64Array;
      for (let k = 0; k < got.length; k++) compare(acc, got[k]!, (u[k]! - d[k]!) / (2 * t.h), t.atol, t.rtol, `${op}: (H v)[${x}][${k}]`);
    }
    return acc;
  } finally {
    await hvSession.dispose();
    await gSession.dispose();
  }
}
