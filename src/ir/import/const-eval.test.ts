import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attr, type Node } from '../graph.js';
import { int64 } from '../tensor.js';
import { constOf, evaluate, tensorOf, TooLargeToFold, type Const } from './const-eval.js';

const node = (op: string, attrs: Node['attrs'] = {}): Node => ({ name: op, op, inputs: [], outputs: ['y'], attrs });
const ints = (dims: number[], data: number[]): Const => ({ dtype: 'int64', dims, data });

test('int64 sentinels survive the trip through JS numbers, clamped into range', () => {
  const max = 2n ** 63n - 1n, min = -(2n ** 63n);
  const back = tensorOf(constOf(int64([3], [max, min, -5n]))).data as BigInt64Array;
  assert.deepEqual([...back], [max, min, -5n]);
});

test('integer Div truncates toward zero, as ONNX Runtime does; Gather takes negative indices', () => {
  assert.deepEqual(evaluate(node('Div'), [ints([2], [-7, 7]), ints([], [2])]).data, [-3, 3]);
  assert.deepEqual(evaluate(node('Gather', { axis: attr.int(1) }), [ints([2, 3], [1, 2, 3, 4, 5, 6]), ints([2], [-1, 0])]).data, [3, 1, 6, 4]);
  assert.throws(() => evaluate(node('Gather'), [ints([2], [1, 2]), ints([], [2])]), /index 2 is out of range/);
});

test('results larger than the fold limit are left to ORT', () => {
  assert.throws(() => evaluate(node('ConstantOfShape'), [ints([2], [1 << 20, 1 << 20])]), TooLargeToFold);
  assert.throws(() => evaluate(node('Range'), [ints([], [0]), ints([], [1e12]), ints([], [1])]), TooLargeToFold);
});
