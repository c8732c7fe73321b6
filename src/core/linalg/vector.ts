// Float64 vector helpers named after the math. Pure functions return new arrays; the ones that
// overwrite an argument say so with an `InPlace` suffix (the curvature loops use those to avoid
// allocating one vector per iteration on million-parameter models).

export type Vec = Float64Array;

function sameLength(what: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) {
    throw new Error(`${what}: vectors differ in length (${a.length} vs ${b.length})`);
  }
}

export function zeros(n: number): Vec {
  return new Float64Array(n);
}

/** Float64 copy of any numeric array (e.g. a Float32Array of parameters). */
export function toFloat64(v: ArrayLike<number>): Vec {
  return Float64Array.from(v);
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  sameLength('dot', a, b);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Euclidean norm, scaled to avoid overflow/underflow for extreme entries. */
export function norm(a: ArrayLike<number>): number {
  let maxAbs = 0;
  for (let i = 0; i < a.length; i++) maxAbs = Math.max(maxAbs, Math.abs(a[i]!));
  if (maxAbs === 0 || !Number.isFinite(maxAbs)) return maxAbs;
  let s = 0;
  for (let i = 0; i < a.length; i++) { const x = a[i]! / maxAbs; s += x * x; }
  return maxAbs * Math.sqrt(s);
}

/** s·a as a new vector. */
export function scale(a: ArrayLike<number>, s: number): Vec {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = s * a[i]!;
  return out;
}

/** a ← s·a; returns a. */
export function scaleInPlace(a: Vec, s: number): Vec {
  for (let i = 0; i < a.length; i++) a[i]! *= s;
  return a;
}

/** a + b as a new vector. */
export function add(a: ArrayLike<number>, b: ArrayLike<number>): Vec {
  return axpy(1, b, a);
}

/** a − b as a new vector. */
export function subtract(a: ArrayLike<number>, b: ArrayLike<number>): Vec {
  return axpy(-1, b, a);
}

/** y + alpha·x as a new vector (BLAS axpy without the side effect). */
export function axpy(alpha: number, x: ArrayLike<number>, y: ArrayLike<number>): Vec {
  sameLength('axpy', x, y);
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = y[i]! + alpha * x[i]!;
  return out;
}

/** y ← y + alpha·x; returns y. */
export function axpyInPlace(alpha: number, x: ArrayLike<number>, y: Vec): Vec {
  sameLength('axpyInPlace', x, y);
  for (let i = 0; i < y.length; i++) y[i]! += alpha * x[i]!;
  return y;
}

/** a / ‖a‖ as a new vector; throws on a zero vector, which has no direction. */
export function normalise(a: ArrayLike<number>): Vec {
  const out = Float64Array.from(a);
  normaliseInPlace(out);
  return out;
}

/** a ← a / ‖a‖; returns the norm it had. Throws on a zero vector. */
export function normaliseInPlace(a: Vec): number {
  const n = norm(a);
  if (!(n > 0) || !Number.isFinite(n)) {
    throw new Error(`normalise: expected a finite nonzero vector, got norm ${n} (length ${a.length})`);
  }
  scaleInPlace(a, 1 / n);
  return n;
}

/**
 * v ← (I − B Bᵀ) v for an orthonormal basis B, as modified Gram–Schmidt applied twice:
 * one pass loses orthogonality in proportion to the condition of the projection, two passes
 * are enough in float64 ("twice is enough", Giraud et al. 2005). Returns v.
 */
export function orthogonaliseInPlace(v: Vec, basis: readonly Vec[]): Vec {
  for (let pass = 0; pass < 2; pass++) {
    for (const b of basis) axpyInPlace(-dot(b, v), b, v);
  }
  return v;
}

/** (I − B Bᵀ) v as a new vector, for an orthonormal basis B. */
export function orthogonalise(v: ArrayLike<number>, basis: readonly Vec[]): Vec {
  return orthogonaliseInPlace(Float64Array.from(v), basis);
}

export interface OrthonormaliseOptions {
  /**
   * A vector whose norm after projection falls below dropTolerance × its original norm is treated
   * as linearly dependent on the earlier ones and dropped (default 1e-10).
   */
  dropTolerance?: number;
}

/**
 * Orthonormal basis of span(vectors) by Gram–Schmidt with re-orthogonalisation, as new vectors in
 * input order; dependent vectors are dropped, so the result may be shorter than the input.
 */
export function orthonormalise(vectors: readonly ArrayLike<number>[], options: OrthonormaliseOptions = {}): Vec[] {
  const dropTolerance = options.dropTolerance ?? 1e-10;
  const basis: Vec[] = [];
  for (const v of vectors) {
    const original = norm(v);
    if (original === 0) continue;
    const w = orthogonalise(v, basis);
    const remaining = norm(w);
    if (remaining <= dropTolerance * original) continue;
    scaleInPlace(w, 1 / remaining);
    basis.push(w);
  }
  return basis;
}

/** Median of a non-empty sample (mean of the two middle values for an even count). */
export function median(values: ArrayLike<number>): number {
  if (values.length === 0) throw new Error('median of no values');
  const s = Array.from(values).sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Mean and standard error of the mean (sample standard deviation / √n); the error is ∞ for a single value. */
export function meanAndStderr(values: ArrayLike<number>): { mean: number; stderr: number } {
  const n = values.length;
  if (n === 0) throw new Error('mean of no values');
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i]!;
  mean /= n;
  if (n < 2) return { mean, stderr: Infinity };
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i]! - mean) ** 2;
  return { mean, stderr: Math.sqrt(squares / (n - 1) / n) };
}
