// Models PyTorch users bring (torchvision resnet18, mobilenet_v3_small, squeezenet1_1, densenet121; a ViT from
// nn.TransformerEncoder; LSTM and GRU classifiers on [N, T, D]; Embedding + GRU on int64 ids; a GroupNorm CNN; a
// 2-layer GPT with token-level cross-entropy; an MSE regressor), exported by test/python/user_models.py at opsets 13,
// 14 and 17 in three ways (the bare call, the call with input names and a dynamic batch, the call of
// docs/pytorch.md) and run through the CLI as a user would (user-models.fixture.ts). Where terrain imports a model
// its numbers are PyTorch's float64 references: eval loss within 1e-5, gradient cosine ≥ 0.99999 (read back from a
// 5-point curve along the raw gradient, which is compared too), top Hessian eigenvalue within 1e-4, a finite 5×5
// surface. Where it does not, the refusal must be an exit-2 message naming the cause: the REFUSED table.
// npm test leaves out the two slowest models; USER_MODELS_ALL=1 runs every one, USER_MODELS_ONLY=REGEX picks cases
// (either by itself: USER_MODELS_ALL=1 node --test dist/core/user-models.test.js), USER_MODELS_DIR=DIR keeps (and reuses) the exports, USER_MODELS_TABLE=FILE
// writes the measured cells as JSON (the table of docs/pytorch.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPython, torchAvailable } from '../testing/pytorch.js';
import { crossCheckSkip } from '../testing/python.js';
import { CASES, checkCase, cliFlags, type CaseResult, type Refusal } from '../testing/user-models.js';

/**
 * What terrain refuses today. The entry whose `cases` matches `model@opset/variant` for the stage being run decides:
 * that stage must exit 2 with `message` on stderr. A refused `eval` stands for every stage of the case (nothing else
 * is run). When support lands the assertion fails: delete the entry, and the case is checked against PyTorch.
 */
const REFUSED: Refusal[] = [
  { cases: /^vit@\d+\/default$/, stage: 'eval', message: /exported with a fixed batch of 1 that terrain could not make variable/,
    why: 'the class token is expanded to the baked batch of 1 (Expand with a constant shape), so the batch cannot be made variable' },
  { cases: /^gpt@\d+\/default$/, stage: 'eval', message: /exported with a fixed batch of 1 that terrain could not make variable \(at batch 2: .*Reshape/,
    why: 'attention reshapes to [T, batch·heads, d] with batch·heads folded into a constant target, which no rewrite of the batch can fix' },
];

/** The two slowest models (mobilenet_v3_small's PyTorch Hessian reference alone takes minutes): USER_MODELS_ALL=1. */
const SLOW = /^(mobilenet_v3_small|densenet121)@/;

test('PyTorch users\' models: terrain matches PyTorch where it imports them and refuses the rest by name', { timeout: 3_600_000 }, async (t) => {
  if (!torchAvailable()) { t.skip(crossCheckSkip('torch', 'numpy')); return; }
  const only = process.env.USER_MODELS_ONLY ? new RegExp(process.env.USER_MODELS_ONLY) : undefined;
  const all = !!process.env.USER_MODELS_ALL || !!only;
  if (!all) t.diagnostic('mobilenet_v3_small and densenet121 are left out (USER_MODELS_ALL=1 runs them too)');
  const cases = CASES.filter((c) => (only ? only.test(c.id) : all || !SLOW.test(c.id)));
  const dir = process.env.USER_MODELS_DIR ?? mkdtempSync(join(tmpdir(), 'terrain-user-models-'));
  mkdirSync(dir, { recursive: true });
  try {
    const missing = [...new Set(cases.map((c) => c.model))].filter((m) => !existsSync(join(dir, `${m}.ref.json`)));
    if (missing.length > 0) t.diagnostic(runPython('user_models.py', [dir, ...missing], 1_800_000).trim());
    const flags = cliFlags();
    // Two cases at a time (each CLI run is one ORT thread plus Node's start-up); reported in table order.
    const results = new Map<string, Promise<CaseResult>>();
    let next = 0;
    const lane = async () => {
      while (next < cases.length) {
        const c = cases[next++]!;
        const p = checkCase(c, dir, flags, REFUSED);
        results.set(c.id, p);
        await p.catch(() => undefined);
      }
    };
    const lanes = Promise.all([lane(), lane()]);
    const rows: Record<string, string>[] = [];
    for (const c of cases) {
      await t.test(c.id, async (st) => {
        while (!results.has(c.id)) await new Promise((r) => setTimeout(r, 100));
        const { row, failures } = await results.get(c.id)!;
        rows.push(row);
        st.diagnostic(Object.entries(row).map(([k, v]) => `${k}: ${v}`).join(' | '));
        assert.deepEqual(failures, [], `${c.id}:\n${failures.join('\n')}`);
      });
    }
    await lanes;
    if (process.env.USER_MODELS_TABLE) writeFileSync(process.env.USER_MODELS_TABLE, JSON.stringify({ flags, rows }, null, 1));
  } finally {
    if (!process.env.USER_MODELS_DIR) rmSync(dir, { recursive: true, force: true });
  }
});
