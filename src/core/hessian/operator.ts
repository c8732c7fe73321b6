// Curvature as a linear operator (the curvlinops idea): algorithms see only `matvec`, never a model,
// so the same Lanczos/Hutchinson/SLQ code runs on the ONNX Hessian, a dense test matrix or a
// combination of both.

import { denseMatvec, isSymmetric, type DenseMatrix } from '../linalg/dense.js';
import { axpyInPlace, scaleInPlace } from '../linalg/vector.js';

export interface LinearOperator {
  /** Dimension n of the square operator. */
  size: number;
  /** True when ⟨Av, w⟩ = ⟨v, Aw⟩ (a Hessian); Lanczos and the trace estimators require it. */
  selfAdjoint: boolean;
  /** A v as a new float64 vector of length `size`; must not modify v. */
  matvec(v: Float64Array): Promise<Float64Array>;
  /** Optional: A v for several v at once, where that is cheaper (a model Hessian shares one forward/backward). */
  matvecMany?(vs: readonly Float64Array[]): Promise<Float64Array[]>;
}

/** A vᵢ for every vᵢ: one matvecMany call when the operator has it, else one matvec each. */
export async function matvecAll(op: LinearOperator, vs: readonly Float64Array[]): Promise<Float64Array[]> {
  if (op.matvecMany && vs.length > 1) return op.matvecMany(vs);
  const out: Float64Array[] = [];
  for (const v of vs) out.push(await op.matvec(v));
  return out;
}

/** Counts the products so that tests and reports can state the cost of an algorithm. */
export interface CountedOperator extends LinearOperator {
  readonly matvecs: number;
}

export function checkVectorLength(op: LinearOperator, v: ArrayLike<number>, who: string): void {
  if (v.length !== op.size) {
    throw new Error(`${who}: operator has size ${op.size}, vector has ${v.length} entries`);
  }
}

export function requireSelfAdjoint(op: LinearOperator, who: string): void {
  if (!op.selfAdjoint) {
    throw new Error(`${who} needs a self-adjoint (symmetric) operator; got one with selfAdjoint=false`);
  }
}

/** Operator backed by a square dense matrix; selfAdjoint unless given is exact symmetry. */
export function denseOperator(matrix: DenseMatrix, options: { selfAdjoint?: boolean } = {}): LinearOperator {
  if (matrix.rows !== matrix.cols) {
    throw new Error(`denseOperator: expected a square matrix, got ${matrix.rows}×${matrix.cols}`);
  }
  const op: LinearOperator = {
    size: matrix.rows,
    selfAdjoint: options.selfAdjoint ?? isSymmetric(matrix),
    matvec: async (v) => {
      checkVectorLength(op, v, 'denseOperator.matvec');
      return denseMatvec(matrix, v);
    },
  };
  return op;
}

/** Operator from a product function, for callers that own the computation (e.g. the Hessian). */
export function functionOperator(
  size: number,
  selfAdjoint: boolean,
  product: (v: Float64Array) => Promise<Float64Array>,
  products?: (vs: readonly Float64Array[]) => Promise<Float64Array[]>,
): LinearOperator {
  const op: LinearOperator = {
    ...(products ? { matvecMany: async (vs: readonly Float64Array[]) => {
      for (const v of vs) checkVectorLength(op, v, 'functionOperator.matvecMany');
      const out = await products(vs);
      if (out.length !== vs.length || out.some((o) => o.length !== size)) {
        throw new Error(`functionOperator: products returned ${out.length} vectors for ${vs.length}, or a vector whose length is not ${size}`);
      }
      return out;
    } } : {}),
    size,
    selfAdjoint,
    matvec: async (v) => {
      checkVectorLength(op, v, 'functionOperator.matvec');
      const out = await product(v);
      if (out.length !== size) {
        throw new Error(`functionOperator: product returned ${out.length} entries, expected ${size}`);
      }
      return out;
    },
  };
  return op;
}

/** A₁ + A₂ + … (same size); self-adjoint when every term is. */
export function sumOperator(...terms: LinearOperator[]): LinearOperator {
  if (terms.length === 0) throw new Error('sumOperator: expected at least one operator, got none');
  const size = terms[0]!.size;
  terms.forEach((t, i) => {
    if (t.size !== size) throw new Error(`sumOperator: term 0 has size ${size}, term ${i} has size ${t.size}`);
  });
  const op: LinearOperator = {
    size,
    selfAdjoint: terms.every((t) => t.selfAdjoint),
    matvec: async (v) => {
      checkVectorLength(op, v, 'sumOperator.matvec');
      const out = await terms[0]!.matvec(v);
      const total = Float64Array.from(out);
      for (let i = 1; i < terms.length; i++) axpyInPlace(1, await terms[i]!.matvec(v), total);
      return total;
    },
  };
  return op;
}

/** s·A. */
export function scaleOperator(a: LinearOperator, s: number): LinearOperator {
  return mapProduct(a, 'scaleOperator', (av) => scaleInPlace(av, s));
}

/** A + σI: moves the spectrum by σ, e.g. so that power iteration finds the most negative eigenvalue. */
export function shiftOperator(a: LinearOperator, sigma: number): LinearOperator {
  return mapProduct(a, 'shiftOperator', (av, v) => axpyInPlace(sigma, v, av));
}

/** A's size and symmetry, with product f(Av, v); Av is a fresh copy that f may update in place. */
function mapProduct(a: LinearOperator, name: string, f: (av: Float64Array, v: Float64Array) => Float64Array): LinearOperator {
  const op: LinearOperator = {
    size: a.size,
    selfAdjoint: a.selfAdjoint,
    matvec: async (v) => {
      checkVectorLength(op, v, `${name}.matvec`);
      return f(Float64Array.from(await a.matvec(v)), v);
    },
  };
  return op;
}

/**
 * The principal sub-operator on a subset of coordinates: P A Pᵀ where P picks `indices`
 * (e.g. the parameters whose names match a pattern). Each product embeds v with zeros
 * elsewhere, applies A, and reads back the chosen coordinates.
 */
export function restrict(a: LinearOperator, indices: ArrayLike<number>): LinearOperator {
  const picked = Int32Array.from(indices);
  const seen = new Uint8Array(a.size);
  for (const i of picked) {
    if (!Number.isInteger(i) || i < 0 || i >= a.size) {
      throw new Error(`restrict: index ${i} is outside the operator's range 0..${a.size - 1}`);
    }
    if (seen[i]) throw new Error(`restrict: index ${i} appears more than once`);
    seen[i] = 1;
  }
  if (picked.length === 0) throw new Error('restrict: expected at least one index, got none');
  const op: LinearOperator = {
    size: picked.length,
    selfAdjoint: a.selfAdjoint,
    matvec: async (v) => {
      checkVectorLength(op, v, 'restrict.matvec');
      const full = new Float64Array(a.size);
      for (let i = 0; i < picked.length; i++) full[picked[i]!] = v[i]!;
      const y = await a.matvec(full);
      const out = new Float64Array(picked.length);
      for (let i = 0; i < picked.length; i++) out[i] = y[picked[i]!]!;
      return out;
    },
  };
  return op;
}

/** Wraps an operator so that `matvecs` counts its products. */
export function countMatvecs(a: LinearOperator): CountedOperator {
  let count = 0;
  return {
    size: a.size,
    selfAdjoint: a.selfAdjoint,
    get matvecs() { return count; },
    matvec: async (v) => { count++; return a.matvec(v); },
  };
}
