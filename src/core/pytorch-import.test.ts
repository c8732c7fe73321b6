// Models built in PyTorch (torchvision's ResNet-18, the zoo's PyTorch twins from test/python/zoo.py, and a tiny
// vision transformer: class token, LayerNorm, multi-head attention, GELU), exported with
// the call of docs/pytorch.md and imported by terrain: terrain's loss equals PyTorch's, its gradient equals
// PyTorch's autograd, a second state_dict given as .pt and as .safetensors moves both to PyTorch's values for those
// weights, and `terrain curve` runs end to end on the .onnx file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensors } from '../ir/safetensors.js';
import type { Tensor } from '../ir/tensor.js';
import { runPython, torchAvailable } from '../testing/pytorch.js';
import { fullGradient } from './hessian/model-gradient.js';
import { loadModelFile, type LoadedModel } from './model-file.js';
import { pythonHas } from '../testing/python.js';

const LOSS_RTOL = 1e-5;
const GRAD_RTOL = 1e-4;

const zoo = (arch: string, inputShape: number[], options: Record<string, unknown> = {}) => ({ zoo: { arch, inputShape, classes: 10, options } });
const CASES = [
  { id: 'resnet18', model: { torchvision: 'resnet18', classes: 10 }, input: [3, 32, 32], batch: 2, seed: 1, second: true },
  { id: 'mlp', model: zoo('mlp', [1, 8, 8], { widths: [32, 16] }), input: [1, 8, 8], batch: 5, seed: 2, second: true },
  { id: 'cnn-small', model: zoo('cnn-small', [1, 8, 8]), input: [1, 8, 8], batch: 4, seed: 3 },
  { id: 'cnn-small-fresh', model: zoo('cnn-small', [1, 8, 8]), input: [1, 8, 8], batch: 4, seed: 3, fresh: true },
  { id: 'tinyvit', model: { tinyvit: true, classes: 5 }, input: [3, 8, 8], batch: 3, seed: 8, second: true },
  { id: 'mlp-bare', model: zoo('mlp', [1, 8, 8], { widths: [8] }), input: [1, 8, 8], batch: 2, seed: 7, bare: true },
  { id: 'resnet20', model: zoo('resnet20', [3, 16, 16]), input: [3, 16, 16], batch: 3, seed: 4, second: true },
  { id: 'vgg11-bn', model: zoo('vgg11-bn', [1, 8, 8]), input: [1, 8, 8], batch: 3, seed: 5 },
  { id: 'mobilenetv2', model: zoo('mobilenetv2', [3, 16, 16], { width: 0.5 }), input: [3, 16, 16], batch: 3, seed: 6 },
];

const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));

/** Compares terrain's loss and ∇L at the loaded point with PyTorch's reference file; returns the errors reached. */
async function compare(m: LoadedModel, refPath: string): Promise<{ loss: number; grad: number }> {
  const ref = readSafetensors(refPath).tensors;
  const x = ref.get('x')!, y = ref.get('y')!;
  const torchParams = [...ref.keys()].filter((k) => k.startsWith('grad:')).map((k) => k.slice(5));
  assert.deepEqual([...m.model.params].sort(), [...torchParams].sort(), 'parameters are PyTorch named_parameters, by name');
  const g = await fullGradient(m, [{ x, y, size: x.dims[0]! }], { threads: 2 });
  const torchLoss = Number(ref.get('loss')!.data[0]);
  const lossErr = Math.abs(g.loss - torchLoss) / Math.abs(torchLoss);
  assert.ok(lossErr <= LOSS_RTOL, `loss ${g.loss} vs PyTorch ${torchLoss}: relative error ${lossErr}`);
  // The whole gradient, in terrain's layout, against PyTorch's tensors by name.
  const want = new Float64Array(g.vector.length);
  for (const s of m.theta.layout.slots) {
    const t: Tensor = ref.get(`grad:${s.name}`)!;
    assert.deepEqual(t.dims, s.shape, `gradient shape of ${s.name}`);
    want.set(t.data as Float64Array, s.offset);
  }
  const gradErr = norm(g.vector.map((v, i) => v - want[i]!)) / norm(want);
  assert.ok(gradErr <= GRAD_RTOL, `‖∇ − ∇torch‖/‖∇torch‖ = ${gradErr}`);
  return { loss: lossErr, grad: gradErr };
}

test('PyTorch exports: terrain loss and gradient equal PyTorch, --weights .pt/.safetensors, curve from the .onnx', async (t) => {
  if (!torchAvailable()) { t.skip('python3-torch not installed'); return; }
  const hasTorchvision = pythonHas('torchvision');
  const cases = CASES.filter((c) => hasTorchvision || !('torchvision' in c.model));
  if (!hasTorchvision) t.diagnostic('python3-torchvision not installed: ResNet-18 skipped');
  const dir = mkdtempSync(join(tmpdir(), 'terrain-pytorch-'));
  try {
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(cases));
    runPython('export_models.py', [join(dir, 'manifest.json'), dir], 300_000);
    for (const c of cases) {
      await t.test(c.id, async (st) => {
        const onnx = join(dir, `${c.id}.onnx`);
        const m = loadModelFile(onnx);
        const r = m.importReport!;
        // Without input_names/output_names PyTorch ignores dynamic_axes and fixes the batch: import makes it variable.
        if ('bare' in c) assert.equal(r.bakedBatch, 2, 'the exporter baked batch 2 into the graph');
        st.diagnostic(`${c.id}: ${m.model.params.length} parameters, ${m.model.buffers.length} buffers, ${r.constants.length} constants, ${r.folded} nodes folded, ${r.aliases.size} deduplicated initializers restored`);
        if ('fresh' in c) assert.ok(r.aliases.size > 0, 'the exporter deduplicated equal initializers; import restores each');
        const e = await compare(m, join(dir, `${c.id}.ref.safetensors`));
        st.diagnostic(`${c.id}: loss rel. error ${e.loss.toExponential(2)}, gradient rel. error ${e.grad.toExponential(2)}`);
        if (!c.second) return;
        for (const ext of c.id === 'resnet18' ? ['pt'] : ['pt', 'safetensors']) {
          const mb = loadModelFile(onnx, { weights: join(dir, `${c.id}.b.${ext}`) });
          assert.notEqual(mb.hash, m.hash, 'the weights file enters the hash');
          assert.ok(mb.weights!.report.ignored.every((n) => n.endsWith('num_batches_tracked')));
          const eb = await compare(mb, join(dir, `${c.id}.b.ref.safetensors`));
          st.diagnostic(`${c.id} with --weights .${ext}: loss rel. error ${eb.loss.toExponential(2)}, gradient rel. error ${eb.grad.toExponential(2)}`);
        }
      });
    }
    await t.test('terrain curve on the exported .onnx file', async () => {
      const id = cases[0]!.id;
      const main = fileURLToPath(new URL('../cli/main.js', import.meta.url));
      const r = spawnSync(process.execPath, [main, 'curve', '--model', join(dir, `${id}.onnx`), '--data', `npy:${join(dir, `${id}.x.npy`)},${join(dir, `${id}.y.npy`)}`,
        '--split', 'all', '--direction', 'gaussian:seed=3', '--range', '-0.5:0.5:3', '--out', join(dir, 'curve'), '--threads', '2', '--no-plots', '--json'], { encoding: 'utf8', timeout: 180_000 });
      assert.equal(r.status, 0, `terrain curve failed:\n${r.stderr}`);
      const result = JSON.parse(r.stdout.trim().split('\n').pop()!) as { lambdas: number[]; loss: number[] };
      const torchLoss = Number(readSafetensors(join(dir, `${id}.ref.safetensors`)).tensors.get('loss')!.data[0]);
      assert.deepEqual(result.lambdas, [-0.5, 0, 0.5]);
      assert.ok(Math.abs(result.loss[1]! - torchLoss) <= LOSS_RTOL * torchLoss, `curve loss at λ=0 ${result.loss[1]} vs PyTorch ${torchLoss}`);
      assert.ok(result.loss.every(Number.isFinite));
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
