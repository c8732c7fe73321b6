// ResNet-20 throughput at batch 128 (issue 2): forward (weights as initializers, and fed as inputs) against PyTorch's
// eval forward under no_grad, and forward+backward (BN in train mode) against PyTorch's loss.backward().
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from '../engine/session.js';
import { LABELS } from '../ir/loss.js';
import { parametersAsInputs, buildGradientGraph } from '../ir/training-graph.js';
import type { Tensor } from '../ir/tensor.js';
import { addMetric } from './metrics.js';
import { CIFAR_SHAPE, randomData, resnet, writeModelFiles } from './fixtures.js';
import { runBaseline } from './python.js';
import { timeIt, type TimingOptions } from './timing.js';
import type { BenchContext } from './suites.js';

interface TorchTiming { median_s: number; min_s: number; iters: number; img_s: number }

export async function throughputSuite(ctx: BenchContext): Promise<void> {
  const batch = 128;
  const model = resnet(20);
  const data = randomData(batch, CIFAR_SHAPE, 10, 7);
  const x: Tensor = { dtype: 'float32', dims: [batch, ...CIFAR_SHAPE], data: data.x };
  const y: Tensor = { dtype: 'int64', dims: [batch], data: BigInt64Array.from(data.y, (v) => BigInt(v)) };
  const params = Object.fromEntries(model.params.map((p) => [p, model.graph.initializers.get(p)!]));
  const timing: TimingOptions = { warmup: 3, minIters: ctx.quick ? 3 : 10, minSeconds: ctx.quick ? 1 : 8 };
  const imgS = async (step: () => Promise<unknown>): Promise<{ imgS: number; iters: number }> => {
    const t = await timeIt(step, timing);
    return { imgS: batch / t.median, iters: t.samples.length };
  };

  ctx.log('ResNet-20 forward, weights as initializers …');
  const baked = await Session.create(model.graph, { threads: ctx.threads });
  const fwdBaked = await imgS(() => baked.run({ input: x }, ['logits']));
  await baked.dispose();

  ctx.log('ResNet-20 forward, weights fed as inputs …');
  const fed = await Session.create(parametersAsInputs(model.graph, model.params), { threads: ctx.threads });
  const fwdFed = await imgS(() => fed.run({ input: x, ...params }, ['logits']));
  await fed.dispose();

  ctx.log('ResNet-20 forward+backward (BN train), weights fed as inputs …');
  const gg = buildGradientGraph(model, { loss: 'softmax-ce', bn: 'train', weights: 'inputs' });
  const train = await Session.create(gg.graph, { threads: ctx.threads });
  const fwdBwd = await imgS(() => train.run({ input: x, [LABELS]: y, ...params }));
  await train.dispose();

  ctx.log('PyTorch baselines …');
  const dir = mkdtempSync(join(tmpdir(), 'terrain-bench-'));
  let torch: { forward: TorchTiming; train: TorchTiming };
  try {
    const files = writeModelFiles(dir, model);
    torch = runBaseline('torch_baseline.py', ['throughput', '--spec', files.spec, '--weights', files.weights, '--batch', String(batch),
      '--min-iters', String(timing.minIters), '--min-seconds', String(timing.minSeconds)], ctx.threads);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const torchFwd = `PyTorch ${ctx.torch} eval forward under no_grad, ${ctx.threads} threads`;
  const note = (it: number, tit: number): string => `batch ${batch}, random 3x32x32 inputs, median of ${it} (PyTorch ${tit}) timed runs after 3 warm-ups`;
  addMetric({ name: 'resnet20.forward.b128', unit: 'img/s', terrain: fwdBaked.imgS, baseline: torch.forward.img_s, higherIsBetter: true,
    baselineLabel: torchFwd, goal: '≥ 2× PyTorch', note: `${note(fwdBaked.iters, torch.forward.iters)}; weights as initializers (ORT folds BN, pre-packs weights)` });
  addMetric({ name: 'resnet20.forward.b128.weights-as-inputs', unit: 'img/s', terrain: fwdFed.imgS, baseline: torch.forward.img_s, higherIsBetter: true,
    baselineLabel: torchFwd, note: `${note(fwdFed.iters, torch.forward.iters)}; parameters fed every run (no BN folding or pre-packing)` });
  addMetric({ name: 'resnet20.fwd+bwd.b128', unit: 'img/s', terrain: fwdBwd.imgS, baseline: torch.train.img_s, higherIsBetter: true,
    baselineLabel: `PyTorch ${ctx.torch} train-mode forward + cross-entropy + loss.backward(), ${ctx.threads} threads`, goal: '≥ 1× PyTorch',
    note: `${note(fwdBwd.iters, torch.train.iters)}; terrain gradient graph (BN train, weights as inputs) outputs loss, correct, all gradients, running stats` });
}
