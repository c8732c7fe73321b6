// Fuzzed ONNX files: truncated, bit-flipped and overwritten copies of an exported-like model, and hand-forged
// hostile ones. Import must either succeed or throw ImportError (a clear message naming the file), in well under a
// second, without allocating more than a few times the file; what it accepts must then run in ORT or fail there
// with an ordinary error, and its gradient graph must build or fail with a message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';
import { Session } from '../../engine/session.js';
import { createRng, type Rng } from '../../core/rng.js';
import { attr, GraphBuilder } from '../builder.js';
import { toOnnxBytes } from '../onnx.js';
import { float32, int64, type Tensor } from '../tensor.js';
import { buildGradientGraph } from '../training-graph.js';
import type { Model } from '../model.js';
import { exportedLikeGraph } from '../../testing/import-fixtures.js';
import { importOnnx, ImportError } from './index.js';

const TIME_LIMIT_MS = 2000;
const MEMORY_LIMIT = 256 * 2 ** 20;

interface Outcome {
  accepted?: Model;
  /** The ImportError's message when import refused the bytes. */
  refused?: string;
}

function attempt(bytes: Uint8Array, what: string): Outcome {
  const before = process.memoryUsage().arrayBuffers;
  const t0 = performance.now();
  let accepted: Model | undefined, refused: string | undefined;
  try {
    accepted = importOnnx(bytes, 'fuzz.onnx').model;
  } catch (e) {
    if (!(e instanceof ImportError)) throw new Error(`${what}: ${(e as Error).name} instead of ImportError: ${(e as Error).stack}`);
    assert.match(e.message, /^fuzz\.onnx: /, `${what}: the message names the file`);
    refused = e.message;
  }
  const ms = performance.now() - t0;
  assert.ok(ms < TIME_LIMIT_MS, `${what}: import took ${ms.toFixed(0)} ms`);
  const grown = process.memoryUsage().arrayBuffers - before;
  assert.ok(grown < MEMORY_LIMIT, `${what}: ${(grown / 2 ** 20).toFixed(0)} MB of buffers allocated`);
  return { accepted, refused };
}

function mutate(base: Uint8Array, rng: Rng): { bytes: Uint8Array; what: string } {
  const kind = rng.int(3);
  const bytes = base.slice();
  if (kind === 0) {
    const n = rng.int(base.length);
    return { bytes: base.slice(0, n), what: `truncated to ${n} bytes` };
  }
  if (kind === 1) {
    const flips = 1 + rng.int(4), at: number[] = [];
    for (let k = 0; k < flips; k++) {
      const i = rng.int(bytes.length), bit = rng.int(8);
      bytes[i]! ^= 1 << bit;
      at.push(i * 8 + bit);
    }
    return { bytes, what: `bits ${at.join(',')} flipped` };
  }
  const start = rng.int(bytes.length), len = 1 + rng.int(16);
  for (let i = start; i < Math.min(bytes.length, start + len); i++) bytes[i] = rng.int(256);
  return { bytes, what: `${len} random bytes at ${start}` };
}

test('fuzzed ONNX bytes: ImportError or a working model, fast and small', async () => {
  const base = new Uint8Array(toOnnxBytes(exportedLikeGraph(createRng(3)))); // a copy: Buffer.slice would share memory
  const rng = createRng(99);
  const accepted: { model: Model; what: string }[] = [];
  let rejected = 0;
  for (let k = 0; k < 400; k++) {
    const { bytes, what } = mutate(base, rng);
    const out = attempt(bytes, what);
    if (out.accepted) accepted.push({ model: out.accepted, what });
    else rejected++;
  }
  // Whatever import accepted must run in ORT (or fail there with an error) and give a gradient graph or a message.
  let ran = 0;
  for (const { model, what } of accepted.slice(0, 25)) {
    try {
      const s = await Session.create(model.graph);
      try {
        await s.run({ input: float32([2, ...model.spec.inputShape]) });
        ran++;
      } finally {
        await s.dispose();
      }
    } catch (e) {
      assert.ok(e instanceof Error && !(e instanceof TypeError), `${what}: ORT failed oddly: ${String(e)}`);
    }
    try {
      buildGradientGraph(model, { loss: 'softmax-ce', bn: 'eval', weights: 'initializers' });
    } catch (e) {
      assert.ok(!(e instanceof TypeError || e instanceof RangeError), `${what}: gradient graph: ${(e as Error).stack}`);
    }
  }
  assert.ok(rejected > 100 && accepted.length > 10, `rejected ${rejected}, accepted ${accepted.length}: the fuzzer should exercise both`);
  assert.ok(ran > 0);
});

test('fuzzed transformer export (symbolic batch arithmetic): ImportError or a model, fast and small', () => {
  const base = new Uint8Array(readFileSync(fileURLToPath(new URL('../../../test/fixtures/onnx/tinyvit.onnx', import.meta.url))));
  const rng = createRng(123);
  let accepted = 0;
  for (let k = 0; k < 300; k++) {
    const { bytes, what } = mutate(base, rng);
    if (attempt(bytes, what).accepted) accepted++;
  }
  assert.ok(accepted > 30 && accepted < 300, `accepted ${accepted} of 300`);
});

/** A model whose initializer is a raw TensorProto (to forge fields the writer would never produce). */
function withInitializer(proto: onnxProto.onnx.ITensorProto): Uint8Array {
  const b = new GraphBuilder('forged', 13);
  const x = b.input('x', 'float32', ['N', 4]);
  b.initializer('w', float32([3, 4]));
  b.output(b.op('Gemm', [x, 'w'], { transB: attr.int(1) }), 'float32', ['N', 3]);
  const model = onnxProto.onnx.ModelProto.decode(toOnnxBytes(b.build()));
  model.graph!.initializer!.push(onnxProto.onnx.TensorProto.create(proto));
  return onnxProto.onnx.ModelProto.encode(model).finish();
}

function withNodes(build: (b: GraphBuilder, h: string) => string): Uint8Array {
  const b = new GraphBuilder('forged', 13);
  const x = b.input('x', 'float32', ['N', 4]);
  b.initializer('w', float32([3, 4]));
  const h = b.op('Gemm', [x, 'w'], { transB: attr.int(1) });
  b.output(build(b, h), 'float32', ['N', 3]);
  return toOnnxBytes(b.build());
}

const constant = (b: GraphBuilder, t: Tensor) => b.op('Constant', [], { value: attr.tensor(t) });

test('forged ONNX files with hostile sizes are refused with clear messages', () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ['2^30 floats declared, none stored', withInitializer({ name: 'big', dims: [2 ** 30], dataType: 1 }), /initializer 'big': holds 0 values, shape \[1073741824\] needs 1073741824/],
    ['2^80 elements declared', withInitializer({ name: 'big', dims: [2 ** 40, 2 ** 40], dataType: 1 }), /too large/],
    ['raw_data shorter than the shape', withInitializer({ name: 'short', dims: [1000], dataType: 1, rawData: new Uint8Array(12) }), /raw_data holds 12 bytes, shape \[1000\] of float32 needs 4000/],
    ['negative dimension', withInitializer({ name: 'neg', dims: [-3], dataType: 7 }), /invalid dimension -3/],
    ['external data', withInitializer({ name: 'ext', dims: [2], dataType: 1, dataLocation: 1 }), /external tensor data is not supported/],
    ['unsupported element type (float16)', withInitializer({ name: 'half', dims: [2], dataType: 10, rawData: new Uint8Array(4) }), /unsupported tensor element type 10/],
    ['Expand to 2^20 × 2^20', withNodes((b, h) => b.op('Add', [h, b.op('ReduceSum', [b.op('Expand', [h, constant(b, int64([2], [1 << 20, 1 << 20]))])], { axes: attr.ints([0]), keepdims: attr.int(0) })])), /cannot broadcast|more than 67108864 elements/],
    ['a node reading a value nobody makes', withNodes((b, h) => b.op('Add', [h, 'ghost'])), /input 'ghost' is not produced by any earlier node/],
    ['a node reading its own output', withNodes((b, h) => { b.nodes.push({ name: 'loop', op: 'Add', inputs: [h, 'loop:out'], outputs: ['loop:out'], attrs: {} }); return 'loop:out'; }), /'loop:out' is not produced by any earlier node/],
    ['a 2 GB length prefix', Uint8Array.from([0x3a, 0xff, 0xff, 0xff, 0xff, 0x07, 1, 2, 3]), /not a valid ONNX protobuf/],
    ['empty file', new Uint8Array(0), /has no graph/],
  ];
  for (const [what, bytes, message] of cases) {
    const { refused } = attempt(bytes, what);
    assert.ok(refused, `${what}: accepted`);
    assert.match(refused, message, what);
  }
});

test('a 20,000-node chain imports in linear time', () => {
  const bytes = withNodes((b, h) => {
    let v = h;
    for (let k = 0; k < 20_000; k++) v = b.op('Relu', [v]);
    return v;
  });
  const t0 = performance.now();
  const { model } = importOnnx(bytes, 'long.onnx');
  const ms = performance.now() - t0;
  assert.equal(model.graph.nodes.length, 20_001);
  assert.ok(ms < 5000, `${ms.toFixed(0)} ms`);
});
