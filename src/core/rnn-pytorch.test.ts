// nn.LSTM, nn.GRU, nn.RNN classifiers (batch_first and not, bidirectional, two layers, zero and learned initial
// states, an nn.Embedding + GRU on int64 token ids) exported by torch.onnx.export at opsets 13, 14 and 17
// (test/python/rnn_models.py): terrain's loss and gradient, through the fused nodes' unrolled gradient rule, and
// its exact Hessian-vector product, against PyTorch's float64 autograd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INPUT } from '../ir/model.js';
import { readSafetensors } from '../ir/safetensors.js';
import type { Tensor } from '../ir/tensor.js';
import { runPython, torchAvailable } from '../testing/pytorch.js';
import { fullGradient } from './hessian/model-gradient.js';
import { modelHessian } from './hessian/model-operator.js';
import { loadModelFile } from './model-file.js';

const LOSS_RTOL = 1e-5;
const MIN_COSINE = 0.99999;
/** The exact HVP runs in float32: relative error of the whole product. */
const HVP_RTOL = 1e-4;

const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));

test('PyTorch LSTM/GRU/RNN exports: loss, gradient and Hessian-vector product equal PyTorch at opsets 13, 14, 17', async (t) => {
  if (!torchAvailable()) { t.skip('python3-torch not installed'); return; }
  const dir = mkdtempSync(join(tmpdir(), 'terrain-rnn-'));
  try {
    runPython('rnn_models.py', [dir], 300_000);
    const { models, opsets } = JSON.parse(readFileSync(join(dir, 'models.json'), 'utf8')) as { models: string[]; opsets: number[] };
    assert.ok(models.length >= 7 && opsets.join() === '13,14,17');
    for (const id of models) {
      const ref = readSafetensors(join(dir, `${id}.ref.safetensors`)).tensors;
      const x = ref.get('x')!, y = ref.get('y')!;
      const torchLoss = Number(ref.get('loss')!.data[0]);
      for (const k of opsets) {
        await t.test(`${id} opset ${k}`, async (st) => {
          const m = loadModelFile(join(dir, `${id}.o${k}.onnx`));
          const ops = new Set(m.model.graph.nodes.map((n) => n.op));
          assert.ok(['LSTM', 'GRU', 'RNN'].some((op) => ops.has(op)), 'the fused recurrent node stays in the forward graph');
          // Token ids go in as the imported graph's input wants them (int64, or float32 ids it casts back).
          const input = m.model.graph.inputs.find((v) => v.name === INPUT)!;
          const feed: Tensor = x.dtype === input.dtype ? x : { dtype: 'float32', dims: x.dims, data: Float32Array.from(x.data as BigInt64Array, Number) };
          const batches = [{ x: feed, y, size: x.dims[0]! }];
          const g = await fullGradient(m, batches, { threads: 1 });
          const lossErr = Math.abs(g.loss - torchLoss) / Math.abs(torchLoss);
          assert.ok(lossErr <= LOSS_RTOL, `loss ${g.loss} vs PyTorch ${torchLoss}: relative error ${lossErr}`);
          const want = new Float64Array(g.vector.length);
          for (const s of m.theta.layout.slots) {
            const r = ref.get(`grad:${s.name}`);
            assert.ok(r, `PyTorch has no parameter '${s.name}'`);
            assert.deepEqual(r.dims, s.shape, `gradient shape of ${s.name}`);
            want.set(r.data as Float64Array, s.offset);
          }
          let dot = 0, a = 0, b = 0;
          g.vector.forEach((v, i) => { dot += v * want[i]!; a += v * v; b += want[i]! * want[i]!; });
          const cosine = dot / Math.sqrt(a * b);
          assert.ok(cosine >= MIN_COSINE, `gradient cosine ${cosine} with PyTorch's`);
          st.diagnostic(`${id} opset ${k}: loss rel. error ${lossErr.toExponential(2)}, gradient cosine 1 − ${(1 - cosine).toExponential(2)}`);
          if (k !== 17) return;
          // Second order (once per model): terrain's exact Hessian-vector product against PyTorch's double backprop.
          const H = await modelHessian(m, batches, { threads: 1 });
          try {
            const v = new Float64Array(g.vector.length), hvWant = new Float64Array(g.vector.length);
            for (const s of m.theta.layout.slots) {
              v.set(ref.get(`v:${s.name}`)!.data as Float64Array, s.offset);
              hvWant.set(ref.get(`hv:${s.name}`)!.data as Float64Array, s.offset);
            }
            const [hv] = await H.matvecMany([v]);
            const err = norm(hv!.map((x, i) => x - hvWant[i]!)) / norm(hvWant);
            assert.ok(err <= HVP_RTOL, `‖Hv − Hv_torch‖/‖Hv_torch‖ = ${err}`);
            st.diagnostic(`${id}: Hessian-vector product rel. error ${err.toExponential(2)}`);
          } finally {
            await H.dispose();
          }
        });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
