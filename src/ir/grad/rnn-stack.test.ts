// A batch-first two-layer recurrent classifier as torch.onnx.export writes one (Transposes around the layout-0
// nodes, LSTM then GRU, the last hidden state into a linear layer and a cross-entropy-like loss): its gradient and
// Hessian-vector products against finite differences. Unlike the one-op checks, the second differentiation here
// meets the fused nodes again (the first layer's output feeds the second layer's unrolled backward).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../core/rng.js';
import { Session } from '../../engine/session.js';
import { differentiate } from '../autodiff.js';
import { GraphBuilder } from '../builder.js';
import { attr, type Graph } from '../graph.js';
import type { Tensor } from '../tensor.js';
import { lowerRnns } from './rnn-unroll.js';

const f64 = (dims: number[], draw: () => number): Tensor => ({ dtype: 'float64', dims, data: Float64Array.from({ length: dims.reduce((p, d) => p * d, 1) }, draw) });

test('a stacked batch-first LSTM → GRU classifier: gradient and Hessian-vector product by finite differences', async () => {
  const rng = createRng(5);
  const [N, T, I, H, C] = [2, 4, 3, 3, 2];
  const b = new GraphBuilder('stack', 14);
  const x = b.input('x', 'float64', [N, T, I]);
  const params: Record<string, Tensor> = {
    w1: f64([2, 4 * H, I], () => rng.normal() * 0.5), r1: f64([2, 4 * H, H], () => rng.normal() * 0.5), b1: f64([2, 8 * H], () => rng.normal() * 0.3),
    w2: f64([1, 3 * H, 2 * H], () => rng.normal() * 0.5), r2: f64([1, 3 * H, H], () => rng.normal() * 0.5), b2: f64([1, 6 * H], () => rng.normal() * 0.3),
    fc: f64([C, H], () => rng.normal()),
  };
  const p = Object.fromEntries(Object.keys(params).map((k) => [k, b.input(k, 'float64', params[k]!.dims)]));
  const xt = b.op('Transpose', [x], { perm: attr.ints([1, 0, 2]) }); // [T, N, I]
  const [y1] = b.opMulti('LSTM', [xt, p.w1!, p.r1!, p.b1!], 1, { hidden_size: attr.int(H), direction: attr.string('bidirectional') }, 'lstm');
  const seq = b.op('Reshape', [b.op('Transpose', [y1!], { perm: attr.ints([0, 2, 1, 3]) }), b.constInt64([T, N, 2 * H])]); // [T, N, 2H]
  const [, hN] = b.opMulti('GRU', [seq, p.w2!, p.r2!, p.b2!], 2, { hidden_size: attr.int(H), linear_before_reset: attr.int(1) }, 'gru');
  const logits = b.op('MatMul', [b.op('Squeeze', [hN!, b.constInt64([0])]), b.op('Transpose', [p.fc!], { perm: attr.ints([1, 0]) })]);
  const loss = b.op('ReduceSum', [b.op('Mul', [b.op('LogSoftmax', [logits], { axis: attr.int(1) }), b.constant(f64([N, C], () => -rng.uniform()))])], { keepdims: attr.int(0) });
  b.output(loss, 'float64', []);
  const graph = b.build();
  const wrt = Object.values(p);

  // Hv = ∇⟨∇f, v⟩, differentiated through the gradient graph (which holds the fused nodes and their unrolled forms).
  const first = differentiate(graph, { of: loss, wrt });
  const g2: Graph = { ...first.graph, inputs: [...first.graph.inputs], nodes: [...first.graph.nodes] };
  const terms = wrt.map((w) => {
    g2.inputs.push({ name: `v:${w}`, dtype: 'float64', shape: params[w]!.dims });
    const prod = `gv/${w}`, red = `gv/${w}/sum`;
    g2.nodes.push({ name: prod, op: 'Mul', inputs: [first.grads.get(w)!, `v:${w}`], outputs: [prod], attrs: {} });
    g2.nodes.push({ name: red, op: 'ReduceSum', inputs: [prod], outputs: [red], attrs: { keepdims: attr.int(0) } });
    return red;
  });
  g2.nodes.push({ name: 'gv', op: 'Sum', inputs: terms, outputs: ['gv'], attrs: {} });
  const second = differentiate(g2, { of: 'gv', wrt });
  const gradOut = wrt.map((w) => first.grads.get(w)!), hvOut = wrt.map((w) => second.grads.get(w)!);
  second.graph.outputs = [{ name: loss, dtype: 'float64', shape: [] }, { name: 'gv', dtype: 'float64', shape: [] },
    ...wrt.map((w, i) => ({ name: gradOut[i]!, dtype: 'float64' as const, shape: params[w]!.dims })),
    ...wrt.map((w, i) => ({ name: hvOut[i]!, dtype: 'float64' as const, shape: params[w]!.dims }))];
  const s = await Session.create(lowerRnns(second.graph));
  try {
    const v = Object.fromEntries(wrt.map((w) => [`v:${w}`, f64(params[w]!.dims, () => rng.normal())]));
    const feeds = { x: f64([N, T, I], () => rng.normal()), ...params, ...v };
    const at = (h: number) => s.run({ ...feeds, ...Object.fromEntries(wrt.map((w) => [w, f64(params[w]!.dims, ((k) => () => {
      const i = k.i++;
      return (params[w]!.data as Float64Array)[i]! + h * (v[`v:${w}`]!.data as Float64Array)[i]!;
    })({ i: 0 }))])) });
    const h = 1e-5, [base, up, down] = [await at(0), await at(h), await at(-h)];
    const scalar = (o: Record<string, Tensor>, n: string) => (o[n]!.data as Float64Array)[0]!;
    const fd = (scalar(up, loss) - scalar(down, loss)) / (2 * h), gv = scalar(base, 'gv');
    assert.ok(Math.abs(fd - gv) <= 1e-7 + 1e-6 * Math.abs(fd), `⟨∇f, v⟩ ${gv} vs finite difference ${fd}`);
    for (const [i, w] of wrt.entries()) {
      const hv = base[hvOut[i]!]!.data as Float64Array, gu = up[gradOut[i]!]!.data as Float64Array, gd = down[gradOut[i]!]!.data as Float64Array;
      for (let k = 0; k < hv.length; k++) {
        const want = (gu[k]! - gd[k]!) / (2 * h);
        assert.ok(Math.abs(hv[k]! - want) <= 1e-7 + 1e-5 * Math.abs(want), `(Hv)[${w}][${k}]: autodiff ${hv[k]}, finite difference ${want}`);
      }
    }
    // The second pass found the first pass's unrolled forward instead of emitting it again.
    const sigmoids = (g: Graph) => g.nodes.filter((n) => n.op === 'Sigmoid').length;
    assert.ok(sigmoids(first.graph) >= 3 * 2 * T + 2 * T, `${sigmoids(first.graph)} Sigmoid nodes in the gradient graph`);
    assert.equal(sigmoids(second.graph), sigmoids(first.graph));
  } finally {
    await s.dispose();
  }
});
