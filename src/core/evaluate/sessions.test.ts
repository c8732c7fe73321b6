import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel } from '../../ir/zoo/index.js';
import { LOGITS } from '../../ir/model.js';
import { float32, type Tensor } from '../../ir/tensor.js';
import { createRng } from '../rng.js';
import { fasterSessionMode, pointRunner, SESSION_MODES } from './sessions.js';

function setup() {
  const model = buildModel({ arch: 'cnn-small', options: { channels: [3, 4] }, inputShape: [1, 8, 8], classes: 3 }, 4);
  const rng = createRng(5);
  const x = float32([6, 1, 8, 8], Array.from({ length: 6 * 64 }, () => rng.normal()));
  const point = (scale: number) => new Map(model.params.map((p) => {
    const t = model.graph.initializers.get(p)!;
    return [p, float32(t.dims, Array.from(t.data as Float32Array, (v) => v * scale + 0.01 * rng.normal()))] as [string, Tensor];
  }));
  return { model, x, points: [point(1), point(0.5), point(2)] };
}

test('per-point and reused sessions give the same logits at every point (to float32 rounding)', async () => {
  const { model, x, points } = setup();
  const runners = SESSION_MODES.map((mode) => pointRunner(model, mode, 1));
  try {
    const seen: Float32Array[] = [];
    for (const w of points) {
      const [a, b] = await Promise.all(runners.map(async (r) => {
        const point = await r.at(w);
        try {
          return (await point.run({ input: x }, [LOGITS]))[LOGITS]!.data as Float32Array;
        } finally {
          await point.release();
        }
      }));
      let worst = 0;
      for (let i = 0; i < a!.length; i++) worst = Math.max(worst, Math.abs(a![i]! - b![i]!) / Math.max(1, Math.abs(a![i]!)));
      assert.ok(worst < 1e-5, `per-point vs reused: ${worst}`);
      seen.push(b!.slice());
    }
    assert.notDeepEqual(Array.from(seen[0]!), Array.from(seen[1]!), 'the reused session takes each point\'s weights');
  } finally {
    for (const r of runners) await r.dispose();
  }
});

test('a reused session refuses a point that moves other tensors (its inputs are fixed once)', async () => {
  const { model, points } = setup();
  const r = pointRunner(model, 'reused', 1);
  try {
    await r.at(points[0]!);
    const fewer = new Map([...points[1]!].slice(1));
    await assert.rejects(r.at(fewer), /fed the same tensors at every point/);
  } finally {
    await r.dispose();
  }
});

test('fasterSessionMode probes both ways on θ; a model whose two ways differ in the last bits keeps per-point', async () => {
  const { model, x, points } = setup(); // cnn-small: BN folding changes the last bits
  let probes = 0;
  const mode = await fasterSessionMode(model, points[0]!, 1, 4, async (run) => { probes++; return run({ input: x }, [LOGITS]); });
  assert.equal(probes, 6, 'a warm-up and two timed batches per mode');
  assert.equal(mode, 'per-point');
});

test('an MLP computes the same bits per point and reused, so either choice gives the same results', async () => {
  const model = buildModel({ arch: 'mlp', options: { widths: [20, 10], activation: 'tanh' }, inputShape: [12], classes: 4 }, 2);
  const x = float32([5, 12], Array.from({ length: 60 }, (_, i) => Math.sin(i)));
  const w = new Map(model.params.map((p) => [p, model.graph.initializers.get(p)!] as [string, Tensor]));
  const outs: Float32Array[] = [];
  for (const mode of SESSION_MODES) {
    const r = pointRunner(model, mode, 1);
    const point = await r.at(w);
    outs.push((await point.run({ input: x }, [LOGITS]))[LOGITS]!.data as Float32Array);
    await point.release();
    await r.dispose();
  }
  assert.deepEqual(Array.from(outs[0]!), Array.from(outs[1]!));
  assert.ok(SESSION_MODES.includes(await fasterSessionMode(model, w, 1, 1, (run) => run({ input: x }, [LOGITS]))));
});
