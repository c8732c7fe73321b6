// What modern PyTorch exports contain, end to end (test/python/modern_exports.py): LayerNorm + GELU + SiLU + einsum
// attention, a GroupNorm CNN, a Hardswish/Hardsigmoid squeeze-excite block with Softplus and Mish, and ceil_mode
// pooling with InstanceNorm, exported at opset 17 with the default exporter settings. `terrain eval` on the file
// and the user's saved tensors gives PyTorch's loss; terrain's gradient and exact Hessian-vector product (of the
// export without constant folding, whose initializers keep the state_dict names) point where PyTorch's do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tensor } from '../ir/tensor.js';
import { runPython, torchAvailable } from '../testing/pytorch.js';
import { fullGradient } from './hessian/model-gradient.js';
import { modelHessian } from './hessian/model-operator.js';
import { loadModelFile, type LoadedModel } from './model-file.js';

const LOSS_RTOL = 1e-5;
const MIN_COSINE = 0.99999;
/** H·v in float32 through ORT against float64 PyTorch. */
const MIN_HV_COSINE = 0.9999;

/** The data of a little-endian .npy file (format 1.0) written by numpy.save. */
function readNpy(path: string, dtype: 'float32' | 'int64'): Tensor {
  const bytes = readFileSync(path);
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  const dims = header.match(/'shape': \(([^)]*)\)/)![1]!.split(',').map((s) => s.trim()).filter((s) => s).map(Number);
  const body = bytes.subarray(10 + headerLength);
  const copy = new Uint8Array(body).buffer;
  return { dtype, dims, data: dtype === 'float32' ? new Float32Array(copy) : new BigInt64Array(copy) };
}

interface Reference {
  loss: number;
  grad: Record<string, number[]>;
  v: Record<string, number[]>;
  hv: Record<string, number[]>;
}

/** Cosine and norm ratio of a (terrain, in layout order) against b (PyTorch, by parameter name). */
function agreement(m: LoadedModel, a: ArrayLike<number>, b: Record<string, number[]>): { cosine: number; ratio: number } {
  let dot = 0, aa = 0, bb = 0;
  for (const s of m.theta.layout.slots) {
    const want = b[s.name]!;
    for (let i = 0; i < s.size; i++) {
      const got = a[s.offset + i]!;
      dot += got * want[i]!; aa += got * got; bb += want[i]! * want[i]!;
    }
  }
  return { cosine: dot / Math.sqrt(aa * bb), ratio: Math.sqrt(aa / bb) };
}

test('modern PyTorch exports (opset 17, default settings): terrain eval equals PyTorch\'s loss, the gradient its autograd', async (t) => {
  if (!torchAvailable()) { t.skip('python3-torch not installed (apt-get install python3-torch): the PyTorch cross-check needs it'); return; }
  const dir = mkdtempSync(join(tmpdir(), 'terrain-modern-'));
  try {
    const refs = JSON.parse(runPython('modern_exports.py', [dir], 300_000)) as Record<string, Reference>;
    const main = fileURLToPath(new URL('../cli/main.js', import.meta.url));
    for (const [id, ref] of Object.entries(refs)) {
      await t.test(id, async (st) => {
        const [x, y] = [join(dir, `${id}.x.npy`), join(dir, `${id}.y.npy`)];
        const r = spawnSync(process.execPath, [main, 'eval', '--model', join(dir, `${id}.onnx`), '--data', `npy:${x},${y}`, '--split', 'all', '--json'], { encoding: 'utf8', timeout: 120_000 });
        assert.equal(r.status, 0, `terrain eval ${id}.onnx failed:\n${r.stderr}`);
        const evaluated = JSON.parse(r.stdout.trim().split('\n').pop()!) as { loss: number };
        const lossErr = Math.abs(evaluated.loss - ref.loss) / Math.abs(ref.loss);
        assert.ok(lossErr <= LOSS_RTOL, `${id}: terrain eval loss ${evaluated.loss}, PyTorch ${ref.loss} (relative error ${lossErr})`);

        const m = loadModelFile(join(dir, `${id}.nofold.onnx`));
        assert.deepEqual([...m.model.params].sort(), Object.keys(ref.grad).sort(), `${id}: parameters are PyTorch's named_parameters`);
        const xs = readNpy(x, 'float32'), ys = readNpy(y, 'int64');
        const g = await fullGradient(m, [{ x: xs, y: ys, size: xs.dims[0]! }], { threads: 2 });
        const grad = agreement(m, g.vector, ref.grad);
        assert.ok(grad.cosine >= MIN_COSINE, `${id}: gradient cosine ${grad.cosine} with PyTorch's`);
        assert.ok(Math.abs(g.loss - ref.loss) <= LOSS_RTOL * Math.abs(ref.loss), `${id}: gradient graph's loss ${g.loss}, PyTorch ${ref.loss}`);

        // Second order: terrain's exact (reverse-over-reverse) H·v along PyTorch's direction.
        const v = new Float64Array(m.theta.layout.size);
        for (const s of m.theta.layout.slots) v.set(ref.v[s.name]!, s.offset);
        const op = await modelHessian(m, [{ x: xs, y: ys, size: xs.dims[0]! }], { threads: 2 });
        const hv = agreement(m, await op.matvec(v).finally(() => op.dispose()), ref.hv);
        assert.ok(hv.cosine >= MIN_HV_COSINE && Math.abs(hv.ratio - 1) <= 1 - MIN_HV_COSINE, `${id}: H·v cosine ${hv.cosine}, norm ratio ${hv.ratio} with PyTorch's`);
        st.diagnostic(`${id}: loss relative error ${lossErr.toExponential(2)}, gradient cosine ${grad.cosine} (norm ratio ${grad.ratio.toFixed(7)}), H·v cosine ${hv.cosine} (norm ratio ${hv.ratio.toFixed(7)})`);
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
