// Conformance against the ONNX backend node tests (Debian's libonnx-testdata), for every op terrain supports:
// each case's graph goes through terrain's ONNX reader and writer into ORT and must reproduce the expected outputs;
// terrain's shape inference must predict their shapes and types; ops the importer folds must fold to the expected
// values; and ops with gradient rules get their gradients checked by finite differences at the case's own inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../engine/session.js';
import { createRng } from '../../core/rng.js';
import type { Graph } from '../graph.js';
import { GRAD_RULES } from '../grad/index.js';
import { lowerRnns } from '../grad/rnn-unroll.js';
import { noGradient } from '../grad/no-gradient.js';
import { inferShapes } from '../shapes/index.js';
import type { Tensor } from '../tensor.js';
import { constOf, evaluate, FOLDABLE_OPS, MAX_FOLD_ELEMENTS } from './const-eval.js';
import { checkGraphGradient } from '../../testing/graph-fd.js';
import { IMPORT_MAX_OPSET, IMPORT_MIN_OPSET, toInternalOpset } from './opset.js';
import { SETTINGS } from './roles.js';
import { casesFor, findNodeTests, loadCase, supportedOps, type NodeCase } from './onnx-testdata.js';

/** Variants outside what terrain supports, each with the reason; every other case of a supported op must pass. */
const NOT_SUPPORTED: Record<string, string> = {
  test_maxpool_with_argmax_2d_precomputed_strides: 'storage_order=1 (column-major argmax indices)',
  test_batchnorm_epsilon_training_mode: 'training-mode BatchNormalization node (terrain builds train mode itself, src/ir/bn-train.ts)',
  test_batchnorm_example_training_mode: 'training-mode BatchNormalization node',
  test_convtranspose_autopad_same: 'ConvTranspose auto_pad SAME_UPPER',
  test_convtranspose_kernel_shape: 'ConvTranspose output_shape attribute',
  test_convtranspose_output_shape: 'ConvTranspose output_shape attribute',
  test_convtranspose_with_kernel: 'ConvTranspose output_shape attribute',
  test_training_dropout: 'random training-mode Dropout (numpy and ORT draw different masks)',
  test_training_dropout_default: 'random training-mode Dropout',
  test_training_dropout_default_mask: 'random training-mode Dropout',
  test_training_dropout_mask: 'random training-mode Dropout',
  test_training_dropout_zero_ratio: 'training-mode Dropout',
  test_training_dropout_zero_ratio_mask: 'training-mode Dropout',
  test_onehot_negative_indices: 'OneHot with a float depth (shape inference reads depth from an int64 constant)',
  test_onehot_with_axis: 'OneHot with a float depth',
  test_onehot_with_negative_axis: 'OneHot with a float depth',
  test_onehot_without_axis: 'OneHot with a float depth',
  test_range_float_type_positive_delta: 'float Range (shape inference follows integer ranges only)',
};
/** Cases that pass forward and shape checks but whose gradient terrain does not take, with the reason. */
const NO_GRADIENT: Record<string, string> = {
  test_pow_types_float32_int32: 'Pow with an integer exponent: the Pow rule needs a float exponent',
  test_pow_types_float32_int64: 'Pow with an integer exponent: the Pow rule needs a float exponent',
  test_leakyrelu_example: 'an input sits exactly on the kink at 0, where finite differences average the two slopes',
  test_reshape_allowzero_reordered: 'a zero-size tensor whose empty dim is symbolic: the Reshape rule cannot rebuild its shape',
  test_slice_neg_steps: 'negative Slice steps have a rule only for reversing whole axes',
  test_split_zero_size_splits: 'a zero-size input whose size is symbolic: the Split rule gives its static zero-size gradient',
  test_einsum_batch_diagonal: "a diagonal ('...ii->...i'): the Einsum rule refuses operands that repeat a letter",
};

/**
 * The case as an imported model has it: inputs that configure the op (shapes, axes, pads, Clip bounds, …, the
 * SETTINGS of ./roles.ts) become initializers, as constant folding leaves them; the data inputs stay inputs.
 */
function settingsAsConstants(c: NodeCase): NodeCase {
  const node = c.graph.nodes[0]!;
  const settings = SETTINGS[node.op] ?? [];
  const fixed = new Set(node.inputs.filter((n, i) => n && settings.includes(i)));
  const keep = c.graph.inputs.map((v, i) => ({ v, t: c.inputs[i]! }));
  const initializers = new Map(c.graph.initializers);
  for (const { v, t } of keep) if (fixed.has(v.name)) initializers.set(v.name, t);
  const rest = keep.filter(({ v }) => !fixed.has(v.name));
  return { ...c, graph: { ...c.graph, inputs: rest.map((r) => r.v), initializers }, inputs: rest.map((r) => r.t) };
}

/** ONNX's own backend-test tolerance (onnx/backend/test/case/node). */
const RTOL = 1e-3, ATOL = 1e-7;

function assertClose(got: Tensor, want: Tensor, what: string): void {
  const boolish = (d: string) => d === 'bool' || d === 'uint8';
  assert.ok(got.dtype === want.dtype || (boolish(got.dtype) && boolish(want.dtype)), `${what}: dtype ${got.dtype}, expected ${want.dtype}`);
  assert.deepEqual([...got.dims], [...want.dims], `${what}: shape`);
  const a = Array.from(got.data as ArrayLike<number | bigint>, Number), b = Array.from(want.data as ArrayLike<number | bigint>, Number);
  for (let i = 0; i < b.length; i++) {
    if (Number.isNaN(b[i]!) && Number.isNaN(a[i]!)) continue;
    if (a[i] === b[i]) continue;
    const err = Math.abs(a[i]! - b[i]!);
    assert.ok(err <= ATOL + RTOL * Math.abs(b[i]!), `${what}[${i}]: ${a[i]}, expected ${b[i]}`);
  }
}

const RECURRENT = new Set(['LSTM', 'GRU', 'RNN']);
/** ORT's CPU kernels refuse batch-first (layout 1) recurrent nodes: those run as terrain's unrolled primitives. */
const runnable = (g: Graph): Graph => (g.nodes.some((n) => RECURRENT.has(n.op) && n.attrs.layout?.value === 1) ? lowerRnns(g) : g);

async function forward(c: NodeCase): Promise<void> {
  const s = await Session.create(runnable(c.graph));
  try {
    const feeds = Object.fromEntries(c.graph.inputs.map((v, i) => [v.name, c.inputs[i]!]));
    const out = await s.run(feeds, c.graph.outputs.map((v) => v.name));
    c.graph.outputs.forEach((v, i) => assertClose(out[v.name]!, c.expected[i]!, `${c.name}: output '${v.name}'`));
  } finally {
    await s.dispose();
  }
}

function shapes(c: NodeCase): void {
  const env = inferShapes(c.graph);
  c.graph.outputs.forEach((v, i) => {
    const want = c.expected[i]!;
    assert.deepEqual(env.shape(v.name), want.dims, `${c.name}: inferred shape of '${v.name}'`);
    const t = env.dtype(v.name);
    assert.ok(t === want.dtype || (t === 'bool' && want.dtype === 'uint8'), `${c.name}: inferred dtype ${t}, expected ${want.dtype}`);
  });
}

/** The import-time evaluator on the case's inputs, when it is small enough to be folded. */
function fold(c: NodeCase): boolean {
  const node = c.graph.nodes[0]!;
  if (!FOLDABLE_OPS.has(node.op) || c.inputs.some((t) => t.data.length > MAX_FOLD_ELEMENTS) || c.expected.length !== 1) return false;
  const byName = new Map<string, Tensor>([...c.graph.initializers, ...c.graph.inputs.map((v, i) => [v.name, c.inputs[i]!] as [string, Tensor])]);
  const inputs = node.inputs.map((n) => (n ? constOf(byName.get(n)!) : undefined));
  const got = evaluate(node, inputs);
  const data = got.dtype === 'int64' ? BigInt64Array.from(got.data.map((v) => BigInt(Math.trunc(v)))) : Float64Array.from(got.data);
  assertClose({ dtype: got.dtype, dims: got.dims, data }, c.expected[0]!, `${c.name}: folded`);
  return true;
}

const differentiable = (c: NodeCase) => {
  const op = c.graph.nodes[0]!.op;
  return GRAD_RULES[op] !== undefined && GRAD_RULES[op] !== noGradient && c.graph.opset >= IMPORT_MIN_OPSET && c.graph.opset <= IMPORT_MAX_OPSET
    && c.graph.inputs.some((v) => v.dtype === 'float32') && c.graph.outputs.some((v) => v.dtype === 'float32');
};

test('libonnx-testdata node cases pass for every op terrain supports', async (t) => {
  const dir = findNodeTests();
  if (!dir) { t.skip('libonnx-testdata not installed (apt-get install libonnx-testdata)'); return; }
  const ops = supportedOps();
  const byOp = casesFor(dir, new Set(ops));
  const rng = createRng(2024);
  const tally = { cases: 0, folded: 0, gradients: 0, skipped: [] as string[] };
  for (const op of ops) {
    const names = byOp.get(op) ?? [];
    await t.test(`${op} (${names.length} cases)`, async () => {
      const failures: string[] = [];
      for (const name of names) {
        if (NOT_SUPPORTED[name]) { tally.skipped.push(`${name}: ${NOT_SUPPORTED[name]}`); continue; }
        const loaded = loadCase(dir, name);
        if (!loaded.ok) { tally.skipped.push(`${name}: ${loaded.reason}`); continue; }
        const c = settingsAsConstants(loaded.value);
        try {
          await forward(c);
          shapes(c);
          if (fold(c)) tally.folded++;
          if (differentiable(c) && !NO_GRADIENT[name]) {
            const feeds = Object.fromEntries(c.graph.inputs.map((v, i) => [v.name, c.inputs[i]!]));
            // ORT runs the fused recurrent ops in float32 only: the finite differences run them unrolled in float64.
            const lower = RECURRENT.has(c.graph.nodes[0]!.op) ? { lower: lowerRnns } : {};
            await checkGraphGradient(toInternalOpset(c.graph), feeds, { rng, coordinates: 8, ...lower });
            tally.gradients++;
          }
          tally.cases++;
        } catch (e) {
          failures.push(`${name}: ${(e as Error).message.split('\n')[0]}`);
        }
      }
      assert.deepEqual(failures, [], `${op}: ${failures.length} of ${names.length} cases failed`);
    });
  }
  t.diagnostic(`${tally.cases} cases passed (${tally.folded} also folded, ${tally.gradients} gradients checked); ${tally.skipped.length} skipped`);
  for (const s of tally.skipped) t.diagnostic(`skipped ${s}`);
  for (const [name, why] of Object.entries(NO_GRADIENT)) t.diagnostic(`gradient not checked: ${name}: ${why}`);
  const covered = ops.filter((op) => (byOp.get(op) ?? []).length > 0);
  t.diagnostic(`ops without node cases: ${ops.filter((op) => !covered.includes(op)).join(', ') || 'none'}`);
  assert.ok(tally.cases > 200, `only ${tally.cases} cases ran`);
});
