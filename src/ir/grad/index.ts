// The one table of gradient rules, by ONNX op type. Ops that share a rule share an entry; ops that are piecewise
// constant are marked noGradient; an op missing here makes autodiff throw, naming the op and the node.
import type { GradRule } from './types.js';
import { addSub } from './add-sub.js';
import { averagePool } from './average-pool.js';
import { batchNorm } from './batch-norm.js';
import { cast } from './cast.js';
import { clip } from './clip.js';
import { concat } from './concat.js';
import { conv } from './conv.js';
import { convTranspose } from './conv-transpose.js';
import { div } from './div.js';
import { einsum } from './einsum.js';
import { erf } from './erf.js';
import { exp } from './exp.js';
import { expand } from './expand.js';
import { gather } from './gather.js';
import { gemm } from './gemm.js';
import { globalAveragePool } from './global-average-pool.js';
import { hardSigmoid } from './hard-sigmoid.js';
import { hardSwish } from './hard-swish.js';
import { identity } from './identity.js';
import { instanceNorm } from './instance-normalization.js';
import { layerNorm } from './layer-normalization.js';
import { leakyRelu } from './leaky-relu.js';
import { log } from './log.js';
import { logSoftmax } from './log-softmax.js';
import { matmul } from './matmul.js';
import { maxPool } from './max-pool.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { noGradient } from './no-gradient.js';
import { pad } from './pad.js';
import { pow } from './pow.js';
import { reciprocal } from './reciprocal.js';
import { reduceMean } from './reduce-mean.js';
import { reduceSum } from './reduce-sum.js';
import { relu } from './relu.js';
import { reshape } from './reshape.js';
import { rnnGrad } from './rnn.js';
import { sigmoid } from './sigmoid.js';
import { slice } from './slice.js';
import { softmax } from './softmax.js';
import { softplus } from './softplus.js';
import { split } from './split.js';
import { sqrt } from './sqrt.js';
import { sum } from './sum.js';
import { tanh } from './tanh.js';
import { transpose } from './transpose.js';
import { whereRule } from './where.js';

export const GRAD_RULES: Readonly<Record<string, GradRule>> = {
  Add: addSub, Sub: addSub, Mul: mul, Div: div, Pow: pow, Sum: sum, Neg: neg,
  Relu: relu, LeakyRelu: leakyRelu, Clip: clip, Sigmoid: sigmoid, Tanh: tanh, Exp: exp, Log: log, Sqrt: sqrt, Reciprocal: reciprocal,
  Erf: erf, Softplus: softplus, HardSigmoid: hardSigmoid, HardSwish: hardSwish,
  Softmax: softmax, LogSoftmax: logSoftmax,
  MatMul: matmul, Gemm: gemm, Conv: conv, ConvTranspose: convTranspose,
  Einsum: einsum,
  BatchNormalization: batchNorm, LayerNormalization: layerNorm, InstanceNormalization: instanceNorm,
  MaxPool: maxPool, AveragePool: averagePool, GlobalAveragePool: globalAveragePool,
  Reshape: reshape, Flatten: reshape, Squeeze: reshape, Unsqueeze: reshape,
  Transpose: transpose, Concat: concat, Split: split, Gather: gather, Pad: pad, Slice: slice, Expand: expand,
  ReduceSum: reduceSum, ReduceMean: reduceMean,
  LSTM: rnnGrad, GRU: rnnGrad, RNN: rnnGrad,
  Identity: identity, Dropout: identity, Cast: cast, Where: whereRule,
  Shape: noGradient, Size: noGradient, ConstantOfShape: noGradient, Constant: noGradient, Range: noGradient,
  ArgMax: noGradient, ArgMin: noGradient, OneHot: noGradient,
  Equal: noGradient, Greater: noGradient, Less: noGradient, GreaterOrEqual: noGradient, LessOrEqual: noGradient,
  Not: noGradient, And: noGradient, Or: noGradient,
};
