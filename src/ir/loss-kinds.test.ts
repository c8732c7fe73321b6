// Every loss kind: value and per-sample values against torch.nn.functional (float64), the gradient with respect to
// the logits against central finite differences, and hits by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '../core/rng.js';
import { Session } from '../engine/session.js';
import { differentiate } from './autodiff.js';
import { GraphBuilder } from './builder.js';
import { CORRECT, LABELS, LOSS, SAMPLE_CORRECT, SAMPLE_LOSS, TARGETS, withLoss, type LossOptions } from './loss.js';
import type { Tensor } from './tensor.js';
import { runPython, torchAvailable } from '../testing/pytorch.js';

interface Case {
  id: string;
  /** The reference's kind (bce with float targets is 'bce-float'). */
  ref: string;
  opts: LossOptions;
  logits: { shape: number[]; data: number[] };
  labels?: { shape: number[]; data: number[] };
  targets?: { shape: number[]; data: number[] };
  /** Hits per sample, by hand (undefined: accuracy has no meaning, NaN expected). */
  hits?: number[];
}

const rng = createRng(15);
const normals = (n: number, scale = 2) => Array.from({ length: n }, () => scale * rng.normal());
const argmax = (row: number[]) => row.reduce((best, v, k) => (v > row[best]! ? k : best), 0);
const rows = (data: number[], width: number) => Array.from({ length: data.length / width }, (_, i) => data.slice(i * width, (i + 1) * width));

function cases(): Case[] {
  const N = 4, C = 3, T = 3, V = 5;
  const z = normals(N * C), y = [0, 2, 1, 2];
  const classHits = rows(z, C).map((r, i) => (argmax(r) === y[i] ? 1 : 0));
  const logp = rows(normals(N * C), C).flatMap((r) => { const m = Math.max(...r); const s = Math.log(r.reduce((a, v) => a + Math.exp(v - m), 0)) + m; return r.map((v) => v - s); });
  const tok = normals(N * T * V);
  const tokY = [1, 4, -100, 0, 0, 3, -100, -100, -100, 2, 2, 1];
  const tokHits = rows(tokY, T).map((ys, i) => {
    const kept = ys.map((t, j) => [t, j] as const).filter(([t]) => t !== -100);
    return kept.length === 0 ? 0 : kept.filter(([t, j]) => argmax(tok.slice((i * T + j) * V, (i * T + j + 1) * V)) === t).length / kept.length;
  });
  const one = [0.7, -1.3, 2.1, -0.2], bin = [1, 0, 0, 1];
  const multi = [...normals(N * 2), 50, -50], multiT = [0.2, 1, 0, 0.5, 1, 0, 0.9, 0.1, 1, 0].slice(0, N * 2 + 2);
  return [
    { id: 'cross-entropy', ref: 'softmax-ce', opts: { kind: 'softmax-ce' }, logits: { shape: [N, C], data: z }, labels: { shape: [N], data: y }, hits: classHits },
    { id: 'nll', ref: 'nll', opts: { kind: 'nll' }, logits: { shape: [N, C], data: logp }, labels: { shape: [N], data: y },
      hits: rows(logp, C).map((r, i) => (argmax(r) === y[i] ? 1 : 0)) },
    { id: 'mse one-hot', ref: 'mse', opts: { kind: 'mse' }, logits: { shape: [N, C], data: z }, labels: { shape: [N], data: y }, hits: classHits },
    { id: 'mse [N, K] targets', ref: 'mse-target', opts: { kind: 'mse-target' }, logits: { shape: [N, C], data: z }, targets: { shape: [N, C], data: normals(N * C) } },
    { id: 'mse [N, 1] output, [N] targets', ref: 'mse-target', opts: { kind: 'mse-target', targetShape: [] }, logits: { shape: [N, 1], data: one }, targets: { shape: [N], data: [0.5, -1, 2, 0] } },
    { id: 'bce 0/1 labels', ref: 'bce', opts: { kind: 'bce' }, logits: { shape: [N, 1], data: one }, labels: { shape: [N], data: bin },
      hits: one.map((v, i) => ((v > 0) === (bin[i] === 1) ? 1 : 0)) },
    { id: 'bce float targets, |z| = 50', ref: 'bce-float', opts: { kind: 'bce', targets: 'float' }, logits: { shape: [N + 1, 2], data: multi }, targets: { shape: [N + 1, 2], data: multiT },
      hits: rows(multi, 2).map((r, i) => r.filter((v, k) => (v > 0) === (multiT[2 * i + k]! > 0.5)).length / 2) },
    { id: 'token cross-entropy, ignore −100 (one sample all ignored)', ref: 'token-ce', opts: { kind: 'token-ce' }, logits: { shape: [N, T, V], data: tok }, labels: { shape: [N, T], data: tokY }, hits: tokHits },
    { id: 'model: per-sample loss output', ref: 'model', opts: { kind: 'model' }, logits: { shape: [N], data: one.map(Math.abs) } },
  ];
}

/** logits = input, float64, batch axis symbolic. */
function graphFor(c: Case) {
  const b = new GraphBuilder('logits-only');
  const shape = ['N', ...c.logits.shape.slice(1)];
  b.rename(b.op('Identity', [b.input('input', 'float64', shape)]), 'logits');
  b.output('logits', 'float64', shape);
  const d = differentiate(withLoss(b.build(), c.opts), { of: LOSS, wrt: ['input'] });
  d.graph.outputs.push({ name: d.grads.get('input')!, dtype: 'float64', shape });
  return { graph: d.graph, grad: d.grads.get('input')! };
}

function feedsFor(c: Case, logits: number[]): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = { input: { dtype: 'float64', dims: c.logits.shape, data: Float64Array.from(logits) } };
  if (c.labels) feeds[LABELS] = { dtype: 'int64', dims: c.labels.shape, data: BigInt64Array.from(c.labels.data.map(BigInt)) };
  if (c.targets) feeds[TARGETS] = { dtype: 'float64', dims: c.targets.shape, data: Float64Array.from(c.targets.data) };
  return feeds;
}

test('every loss kind: loss and sample_loss equal torch.nn.functional, gradient equals finite differences, hits by hand', async (t) => {
  const all = cases();
  let refs: { loss: number; sample: number[] }[] | undefined;
  if (torchAvailable()) {
    const dir = mkdtempSync(join(tmpdir(), 'terrain-loss-'));
    try {
      writeFileSync(join(dir, 'cases.json'), JSON.stringify(all.map((c) => ({ kind: c.ref, logits: c.logits, labels: c.labels, targets: c.targets }))));
      refs = JSON.parse(runPython('loss_reference.py', [join(dir, 'cases.json')])) as { loss: number; sample: number[] }[];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else t.diagnostic('python3-torch not installed: PyTorch values not compared');
  for (const [k, c] of all.entries()) {
    await t.test(c.id, async () => {
      const { graph, grad } = graphFor(c);
      const s = await Session.create(graph);
      try {
        const run = async (logits: number[]) => s.run(feedsFor(c, logits));
        const out = await run(c.logits.data);
        const loss = out[LOSS]!.data[0] as number;
        const n = c.logits.shape[0]!;
        if (refs) {
          const r = refs[k]!;
          assert.ok(Math.abs(loss - r.loss) <= 1e-12 * Math.max(1, Math.abs(r.loss)), `loss ${loss} vs PyTorch ${r.loss}`);
          const sample = [...(out[SAMPLE_LOSS]!.data as Float64Array)];
          assert.equal(sample.length, n);
          sample.forEach((v, i) => assert.ok(Math.abs(v - r.sample[i]!) <= 1e-12 * Math.max(1, Math.abs(r.sample[i]!)), `sample_loss[${i}] ${v} vs ${r.sample[i]}`));
        }
        const hits = [...(out[SAMPLE_CORRECT]!.data as Float64Array)];
        const correct = out[CORRECT]!.data[0] as number;
        if (c.hits) {
          assert.deepEqual(hits.map((h) => +h.toFixed(12)), c.hits.map((h) => +h.toFixed(12)));
          if (c.opts.kind !== 'token-ce') assert.ok(Math.abs(correct - c.hits.reduce((a, b) => a + b, 0)) < 1e-12);
        } else {
          assert.ok(Number.isNaN(correct) && hits.every(Number.isNaN), 'no accuracy: NaN');
        }
        // Central differences of the loss output, entry by entry.
        const g = out[grad]!.data as Float64Array;
        const h = 1e-6;
        for (let i = 0; i < c.logits.data.length; i++) {
          const plus = [...c.logits.data], minus = [...c.logits.data];
          plus[i]! += h; minus[i]! -= h;
          const fd = (((await run(plus))[LOSS]!.data[0] as number) - ((await run(minus))[LOSS]!.data[0] as number)) / (2 * h);
          assert.ok(Math.abs(g[i]! - fd) <= 1e-7 * Math.max(1, Math.abs(fd)), `d loss / d logits[${i}]: ${g[i]} vs finite difference ${fd}`);
        }
      } finally {
        await s.dispose();
      }
    });
  }
});

test('token cross-entropy: correct is N × token accuracy over the non-ignored tokens', async () => {
  const c = cases().find((x) => x.opts.kind === 'token-ce')!;
  const { graph } = graphFor(c);
  const s = await Session.create(graph);
  const out = await s.run(feedsFor(c, c.logits.data));
  await s.dispose();
  const [N, T, V] = c.logits.shape as [number, number, number];
  let kept = 0, hit = 0;
  c.labels!.data.forEach((y, j) => { if (y !== -100) { kept++; if (argmax(c.logits.data.slice(j * V, (j + 1) * V)) === y) hit++; } });
  assert.ok(T > 0 && Math.abs((out[CORRECT]!.data[0] as number) - (N * hit) / kept) < 1e-12);
});

test('withLoss refuses outputs a loss cannot read, naming the shape', () => {
  const b = new GraphBuilder('vec');
  b.rename(b.op('Identity', [b.input('input', 'float32', ['N', 3])]), 'logits');
  b.output('logits', 'float32', ['N', 3]);
  const g = b.build();
  assert.throws(() => withLoss(g, { kind: 'token-ce' }), /token-cross-entropy needs 'logits' of shape \[N, T, vocab\]/);
  assert.throws(() => withLoss(g, { kind: 'bce' }), /bce against class labels needs one output per sample/);
  assert.throws(() => withLoss(g, { kind: 'model' }), /per-sample loss \[N\]/);
  assert.throws(() => withLoss(g, { kind: 'mse-target', targetShape: [2] }), /targets of shape \[2\] per sample do not fit/);
});
