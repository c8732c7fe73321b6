// Test support: the quadratic L(p) = c + gᵀ(p − θ) + ½ (p − θ)ᵀ H (p − θ), where λ_max, tr(H), ε-sharpness (for a
// diagonal H) and the basin width along a direction have closed forms. Float64 throughout, p read from float32.
import { denseMatvec, denseMatrix, type DenseMatrix } from '../core/linalg/dense.js';
import { denseOperator, type LinearOperator } from '../core/hessian/operator.js';
import { ParamLayout, type ParamVector } from '../core/params.js';
import type { LossSurface } from '../core/sharpness/loss-surface.js';

export interface Quadratic {
  surface: LossSurface & { evaluations: number };
  hessian: LinearOperator;
  matrix: DenseMatrix;
}

/** θ is one [rows, cols] tensor plus a bias of length `rows` (so filter normalisation has filters and a 1-D tensor). */
export function quadratic(theta: Float32Array, rows: number, h: DenseMatrix | ArrayLike<number>, g?: ArrayLike<number>, c = 1): Quadratic {
  const n = theta.length;
  const cols = (n - rows) / rows;
  if (!Number.isInteger(cols) || cols < 1) throw new Error(`quadratic: ${n} entries do not make [${rows}, k] + [${rows}]`);
  const layout = new ParamLayout([{ name: 'w.weight', shape: [rows, cols] }, { name: 'w.bias', shape: [rows] }]);
  const matrix = 'rows' in h ? h : diagonal(h);
  if (matrix.rows !== n) throw new Error(`quadratic: H is ${matrix.rows}×${matrix.cols}, θ has ${n} entries`);
  const t: ParamVector = { layout, data: Float32Array.from(theta) };
  const grad = Float64Array.from(g ?? new Float64Array(n));
  const at = (p: ParamVector) => {
    const y = Float64Array.from(p.data, (v, i) => v - t.data[i]!);
    const hy = denseMatvec(matrix, y);
    let value = c;
    for (let i = 0; i < n; i++) value += grad[i]! * y[i]! + 0.5 * y[i]! * hy[i]!;
    return { value, gradient: Float64Array.from(hy, (v, i) => v + grad[i]!) };
  };
  const surface = {
    theta: t,
    evaluations: 0,
    async loss(p: ParamVector) { surface.evaluations++; return at(p).value; },
    async lossAndGradient(p: ParamVector) { surface.evaluations++; const r = at(p); return { loss: r.value, gradient: r.gradient }; },
    async dispose() {},
  };
  return { surface, hessian: denseOperator(matrix), matrix };
}

export function diagonal(d: ArrayLike<number>): DenseMatrix {
  const m = denseMatrix(d.length, d.length);
  for (let i = 0; i < d.length; i++) m.data[i * d.length + i] = d[i]!;
  return m;
}
