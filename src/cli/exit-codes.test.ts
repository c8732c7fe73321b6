// The exit-code promise for hostile files: each of these used to end in exit 1 "internal error" (a stack overflow,
// a TypeError, ONNX Runtime's message without a file name). Each must be bad input (exit 2) naming the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exitCodeFor, isInputError, UsageError } from './errors.js';
import { InputError } from '../ir/errors.js';
import { CheckpointError } from '../ir/checkpoint.js';
import { FileRefusedError } from '../ir/read-file.js';
import { UnsupportedOpError } from '../ir/model.js';
import { OnnxFormatError } from '../ir/onnx.js';
import { GraphCheckError } from '../ir/graph-check.js';
import { SafetensorsError } from '../ir/safetensors.js';
import { PickleError } from '../ir/weights/torch-pickle.js';
import { StateDictError, TorchFileError, WeightsFileError, ZipError } from '../ir/weights/index.js';
import { TfjsError } from '../ir/tfjs/format.js';
import { ImportError } from '../ir/import/index.js';
import { OpsetError } from '../ir/import/opset.js';
import { TooLargeToFold } from '../ir/import/const-types.js';
import { QueueError } from '../distributed/errors.js';
import { ExportError } from '../core/export/landscape.js';
import { MinedDirectionError } from '../core/mine/load.js';
import { LossError } from '../core/loss/choice.js';
import { DataError } from '../core/data/errors.js';
import { ModelFileError } from '../core/model-file.js';
import { RunMismatchError } from '../core/runs/run-dir-errors.js';
import { RunLockedError } from '../core/runs/lock.js';
import { RangeError_ } from '../core/runs/grid.js';
import { DirectionSpecError } from '../core/directions/spec.js';
import { DirectionFileError } from '../core/directions/io.js';
import { StatesDirectionError } from '../core/directions/states.js';
import { ToleranceError } from '../core/landscape/adaptive.js';
import { LlFormatError, LlMappingError } from '../core/interop/index.js';
import { decodeSafetensors, encodeSafetensors } from '../ir/safetensors.js';
import { loadCheckpoint } from '../ir/checkpoint.js';
import { importOnnx } from '../ir/import/index.js';
import { toOnnxBytes } from '../ir/onnx.js';
import { decodeWeights } from '../ir/weights/index.js';
import { deepJson as deep, fineGraph, HOSTILE_GRAPHS, mapProtoPt, rawSafetensors } from '../testing/hostile/files.js';
import { loadDirection, saveDirection } from '../core/directions/io.js';
import { gaussianNoise } from '../core/directions/gaussian.js';
import { testLayout } from '../testing/directions-fixture.js';

test('every bad-input class of every layer is an InputError (exit 2) and keeps its name; other errors exit 1', () => {
  // The name each class reports (some share 'DirectionError'; those without their own name report 'Error').
  const input: [Error, string][] = [
    [new UsageError('m'), 'UsageError'], [new CheckpointError('m'), 'Error'], [new FileRefusedError('m'), 'FileRefusedError'],
    [new UnsupportedOpError('m'), 'UnsupportedOpError'], [new OnnxFormatError('m'), 'Error'], [new GraphCheckError('m'), 'GraphCheckError'],
    [new SafetensorsError('m'), 'Error'], [new PickleError('m'), 'PickleError'], [new StateDictError('m'), 'StateDictError'],
    [new TorchFileError('m'), 'TorchFileError'], [new WeightsFileError('m'), 'WeightsFileError'], [new ZipError('m'), 'ZipError'],
    [new TfjsError('m'), 'TfjsError'], [new ImportError('m'), 'ImportError'], [new OpsetError('m'), 'OpsetError'],
    [new QueueError('m'), 'QueueError'], [new ExportError('m'), 'ExportError'], [new MinedDirectionError('m'), 'DirectionError'],
    [new LossError('m'), 'LossError'], [new DataError('m'), 'DataError'], [new ModelFileError('m'), 'ModelFileError'],
    [new RunMismatchError('m'), 'Error'], [new RunLockedError('m'), 'RunLockedError'], [new RangeError_('m'), 'Error'],
    [new DirectionSpecError('s', 'm'), 'DirectionSpecError'], [new DirectionFileError('m'), 'DirectionError'],
    [new StatesDirectionError('m'), 'DirectionError'], [new ToleranceError('m'), 'ToleranceError'],
    [new LlFormatError('m'), 'LlFormatError'], [new LlMappingError('m'), 'LlMappingError'],
  ];
  for (const [e, name] of input) {
    assert.ok(e instanceof InputError, `${e.constructor.name} is not an InputError`);
    assert.equal(exitCodeFor(e), 2, e.constructor.name);
    assert.equal(e.name, name, e.constructor.name);
  }
  // A failure of terrain itself (a bug, an exhausted resource, a fold given up on) is not the user's input.
  for (const e of [new Error('m'), new TypeError('m'), new RangeError('m'), new TooLargeToFold('m'), 'a string', undefined]) {
    assert.equal(exitCodeFor(e), 1, String(e));
  }
});

const dir = mkdtempSync(join(tmpdir(), 'terrain-exit-'));
/** Fails unless f throws an input error (exit 2) whose message names `name`. */
function badInput(f: () => unknown, name: string, re?: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(isInputError(e), `not an input error: ${(e as Error).name}: ${(e as Error).message}`);
    assert.ok((e as Error).message.includes(name), `message does not name ${name}: ${(e as Error).message}`);
    if (re) assert.match((e as Error).message, re);
    return true;
  });
}

test('deeply nested safetensors metadata or shape JSON is bad input, not a stack overflow', () => {
  badInput(() => decodeSafetensors(rawSafetensors(`{"__metadata__":{"a":${deep(100_000)}}}`), 'meta.safetensors'), 'meta.safetensors', /nested 100002 levels deep/);
  badInput(() => decodeSafetensors(rawSafetensors(`{"w":{"dtype":"F32","shape":${deep(100_000)},"data_offsets":[0,0]}}`), 'shape.safetensors'), 'shape.safetensors');
  // Within the depth limit a bad value is shown cut short in the message.
  badInput(() => decodeSafetensors(rawSafetensors(`{"w":{"dtype":"F32","shape":${deep(40)},"data_offsets":[0,0]}}`), 's40.safetensors'), 's40.safetensors', /shape must be a list/);
  const ckpt = join(dir, 'deep-meta.safetensors');
  writeFileSync(ckpt, encodeSafetensors(new Map(), { 'terrain.spec': deep(100_000) }));
  badInput(() => loadCheckpoint(ckpt), ckpt, /nested more than 64 levels deep/);
});

test("a direction with a transposed shape or an entry named '__proto__' is bad input naming the file", () => {
  const good = gaussianNoise(testLayout, 1);
  const transposed = join(dir, 'transposed.safetensors');
  saveDirection(transposed, good);
  const bytes = readFileSync(transposed);
  const at = bytes.indexOf('"shape":[5,16]');
  assert.ok(at > 0);
  bytes.write('"shape":[16,5]', at); // same length: the header stays valid
  writeFileSync(transposed, bytes);
  badInput(() => loadDirection(transposed, testLayout), transposed, /'fc.weight' has shape \[16,5\], expected \[5,16\]/);
  const proto = join(dir, 'proto.safetensors');
  writeFileSync(proto, rawSafetensors('{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', new Uint8Array(4)));
  badInput(() => loadDirection(proto, testLayout), proto, /'__proto__'/);
  // The writer keeps such a name as an entry (it used to become the header's prototype and vanish).
  const back = decodeSafetensors(encodeSafetensors(new Map([['__proto__', { dtype: 'float32', dims: [1], data: new Float32Array([2]) }]])));
  assert.deepEqual([...back.tensors.keys()], ['__proto__']);
});

test('an ONNX model with a name defined twice, a duplicate output or an absurd Softmax axis is bad input naming the file', () => {
  for (const { graph, problem } of Object.values(HOSTILE_GRAPHS)) badInput(() => importOnnx(toOnnxBytes(graph()), 'hostile.onnx'), 'hostile.onnx', problem);
  // A valid model still imports.
  importOnnx(toOnnxBytes(fineGraph()), 'fine.onnx');
});

test("a .pt pickle that builds an object with a Map as its prototype is bad input naming the file", () => {
  badInput(() => decodeWeights(mapProtoPt(), 'proto.pt'), 'proto.pt');
});

test('the CLI maps them to exit 2 with one line naming the file', () => {
  const main = fileURLToPath(new URL('./main.js', import.meta.url));
  const onnx = join(dir, 'softmax.onnx');
  writeFileSync(onnx, toOnnxBytes(HOSTILE_GRAPHS.softmaxAxis.graph()));
  const r = spawnSync(process.execPath, [main, 'eval', '--model', onnx, '--data', 'digits'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`^terrain: --model ${onnx}: node 's' \\(Softmax\\): axis 727379968 is outside`, 'm'));
  assert.doesNotMatch(r.stderr, /internal error/);
});

test('a surface grid above the limit exits 2 before any file is read', () => {
  const main = fileURLToPath(new URL('./main.js', import.meta.url));
  const r = spawnSync(process.execPath, [main, 'surface', '--model', join(dir, 'none.onnx'), '--data', 'digits', '--x', 'gaussian', '--y', 'gaussian:seed=2',
    '--x-range', '-1:1:10000', '--y-range', '-1:1:10000', '--out', join(dir, 'huge')], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^terrain: --x-range × --y-range is 10,000 × 10,000 = 100,000,000 points, more than the 1,000,000-point limit/m);
});
