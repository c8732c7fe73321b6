import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attr, GraphBuilder } from '../builder.js';
import type { Model } from '../model.js';
import { float32, int64, type Tensor } from '../tensor.js';
import { applyStateDict, StateDictError } from './state-dict.js';

function model(): Model {
  const b = new GraphBuilder('m', 13);
  b.initializer('fc.weight', float32([2, 3]));
  b.initializer('fc.bias', float32([2]));
  b.initializer('bn.running_mean', float32([2]));
  const h = b.op('Gemm', [b.input('input', 'float32', ['N', 3]), 'fc.weight', 'fc.bias'], { transB: attr.int(1) });
  b.output(b.rename(b.op('Sub', [h, 'bn.running_mean']), 'logits'), 'float32', ['N', 2]);
  return { spec: { arch: 'onnx', options: {}, inputShape: [3], classes: 2 }, graph: b.build(), params: ['fc.weight', 'fc.bias'], buffers: ['bn.running_mean'] };
}

const f64 = (dims: number[], values: number[]): Tensor => ({ dtype: 'float64', dims, data: Float64Array.from(values) });

test('a matching state_dict fills parameters and buffers; float64 is converted, counters ignored, the model untouched', () => {
  const m = model();
  const state = new Map<string, Tensor>([
    ['fc.weight', float32([2, 3], [1, 2, 3, 4, 5, 6])], ['fc.bias', f64([2], [0.5, -0.5])],
    ['bn.running_mean', float32([2], [7, 8])], ['bn.num_batches_tracked', int64([], [12])],
  ]);
  const { model: loaded, report } = applyStateDict(m, state, 'w.pt');
  assert.deepEqual(Array.from(loaded.graph.initializers.get('fc.weight')!.data as Float32Array), [1, 2, 3, 4, 5, 6]);
  assert.equal(loaded.graph.initializers.get('fc.bias')!.dtype, 'float32');
  assert.deepEqual(report, { loaded: ['fc.weight', 'fc.bias', 'bn.running_mean'], ignored: ['bn.num_batches_tracked'], converted: ['fc.bias'] });
  assert.deepEqual(Array.from(m.graph.initializers.get('fc.weight')!.data as Float32Array), [0, 0, 0, 0, 0, 0], 'the input model is not changed');
});

test('one error lists every missing, unexpected and mis-shaped entry', () => {
  const state = new Map<string, Tensor>([['fc.weight', float32([3, 2])], ['fc.bias', int64([2], [1, 2])], ['head.weight', float32([2])]]);
  assert.throws(() => applyStateDict(model(), state, 'w.pt'), (e: Error) => e instanceof StateDictError
    && e.message === 'w.pt: the weights do not fit the model; missing 1 (in the model, not in the file): bn.running_mean; '
      + 'unexpected 1 (in the file, not in the model): head.weight; mis-shaped 2: fc.weight: file [3,2], model [2,3], fc.bias: file int64, model float32');
});

test('a wrapper prefix on every name is named, with the fix', () => {
  const state = new Map<string, Tensor>([['module.fc.weight', float32([2, 3])], ['module.fc.bias', float32([2])], ['module.bn.running_mean', float32([2])]]);
  assert.throws(() => applyStateDict(model(), state, 'dp.pt'), /The names differ by the prefix 'module\.' \(e\.g\. from nn\.DataParallel\)/);
});

test('entries for initializers the imported graph dropped are ignored', () => {
  const state = new Map<string, Tensor>([['fc.weight', float32([2, 3])], ['fc.bias', float32([2])], ['bn.running_mean', float32([2])], ['aux.weight', float32([4])]]);
  assert.deepEqual(applyStateDict(model(), state, 'w.pt', { unused: ['aux.weight'] }).report.ignored, ['aux.weight']);
});

test('a model exported with constant folding (BN folded, onnx:: names): the error names the export setting', () => {
  const b = new GraphBuilder('folded', 13);
  b.initializer('onnx::Gemm_12', float32([2, 3]));
  b.initializer('onnx::Gemm_13', float32([2]));
  b.output(b.rename(b.op('Gemm', [b.input('input', 'float32', ['N', 3]), 'onnx::Gemm_12', 'onnx::Gemm_13'], { transB: attr.int(1) }), 'logits'), 'float32', ['N', 2]);
  const folded: Model = { spec: { arch: 'onnx', options: {}, inputShape: [3], classes: 2 }, graph: b.build(), params: ['onnx::Gemm_12', 'onnx::Gemm_13'], buffers: [] };
  const state = new Map<string, Tensor>([['fc.weight', float32([2, 3])], ['fc.bias', float32([2])], ['bn.running_mean', float32([2])], ['bn.running_var', float32([2])]]);
  assert.throws(() => applyStateDict(folded, state, 'w.pt'), (e: Error) => e instanceof StateDictError
    && /exporter-generated names such as 'onnx::Gemm_12': the \.onnx file was exported in eval mode with constant folding/.test(e.message)
    && /training=torch\.onnx\.TrainingMode\.PRESERVE, do_constant_folding=False/.test(e.message));
  // Same names, BN statistics in the file and none in the model: the folding is named too.
  const renamed: Model = { ...folded, params: ['fc.weight', 'fc.bias'] };
  const g = renamed.graph;
  g.initializers.set('fc.weight', g.initializers.get('onnx::Gemm_12')!);
  g.initializers.set('fc.bias', g.initializers.get('onnx::Gemm_13')!);
  assert.throws(() => applyStateDict(renamed, new Map([...state].filter(([k]) => k.startsWith('fc') || k.startsWith('bn'))), 'w.pt'),
    /the file has BatchNorm statistics \('bn\.running_mean'\) but the model has none/);
  assert.doesNotThrow(() => applyStateDict(model(), new Map([['fc.weight', float32([2, 3])], ['fc.bias', float32([2])], ['bn.running_mean', float32([2])]]), 'w.pt'));
});
