// The one table of shape rules, by ONNX op type.
import type { ShapeRule } from './index.js';
import { binary, cast, comparison, dropout, sameAsInput, variadic, where } from './elementwise.js';
import { batchNorm, conv, convTranspose, flatten, gemm, globalPool, matmul, oneHot, pool } from './nn.js';
import { argReduce, reduce } from './reduce.js';
import { einsum } from './einsum.js';
import { groupNorm, instanceNorm, layerNorm } from './normalization.js';
import { rnn } from './rnn.js';
import {
  concat, constant, constantOfShape, expand, gather, pad, range, reshape, shapeOp, size, slice, split, squeeze, tile, transpose, unsqueeze,
} from './tensor-ops.js';

const unary = [
  'Relu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Exp', 'Log', 'Neg', 'Sqrt', 'Reciprocal', 'Abs', 'Identity', 'Softmax', 'LogSoftmax',
  'Erf', 'Floor', 'Ceil', 'Sign', 'Clip', 'Elu', 'Selu', 'Softplus', 'HardSigmoid',
  'HardSwish', 'Mish', 'Gelu',
];

export const SHAPE_RULES: Record<string, ShapeRule> = {
  ...Object.fromEntries(unary.map((op) => [op, sameAsInput])),
  Dropout: dropout,
  Cast: cast,
  Add: binary, Sub: binary, Mul: binary, Div: binary, Pow: binary,
  Greater: comparison, Less: comparison, Equal: comparison, GreaterOrEqual: comparison, LessOrEqual: comparison,
  And: comparison, Or: comparison, Not: comparison,
  Sum: variadic, Max: variadic, Min: variadic, Mean: variadic,
  Where: where,
  Conv: conv, ConvTranspose: convTranspose, Gemm: gemm, MatMul: matmul,
  BatchNormalization: batchNorm, MaxPool: pool, AveragePool: pool,
  GlobalAveragePool: globalPool, GlobalMaxPool: globalPool, Flatten: flatten, OneHot: oneHot,
  ReduceSum: reduce, ReduceMean: reduce, ReduceMax: reduce, ReduceMin: reduce, ReduceProd: reduce, ReduceSumSquare: reduce,
  ArgMax: argReduce, ArgMin: argReduce,
  Reshape: reshape, Transpose: transpose, Concat: concat, Slice: slice, Pad: pad, Split: split,
  Squeeze: squeeze, Unsqueeze: unsqueeze, Expand: expand, Shape: shapeOp, Size: size,
  ConstantOfShape: constantOfShape, Constant: constant, Gather: gather, Range: range, Tile: tile,
  LSTM: rnn, GRU: rnn, RNN: rnn,
  LayerNormalization: layerNorm, InstanceNormalization: instanceNorm, GroupNormalization: groupNorm, Einsum: einsum,
};
