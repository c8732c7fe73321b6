// Eigen-decomposition of a symmetric tridiagonal matrix (the Lanczos matrix T) by the implicit QL
// method with Wilkinson-type shifts: tql2 of EISPACK (Bowdler, Martin, Reinsch & Wilkinson 1968),
// as in JAMA. Written here rather than imported because JavaScript has no LAPACK, the matrices are
// small (tens to a few hundred rows), and we need one thing a library call would not give cheaply:
// rotations accumulated onto chosen rows only. Lanczos needs just the last row of the eigenvector
// matrix (residual estimates) and SLQ just the first (quadrature weights), which costs O(m²)
// instead of O(m³) for all eigenvectors.

export interface TridiagonalEigen {
  /** Eigenvalues in ascending order. */
  values: Float64Array;
  /** vectors[i] is the unit eigenvector for values[i]. */
  vectors: Float64Array[];
}

export interface TridiagonalEigenRows {
  /** Eigenvalues in ascending order. */
  values: Float64Array;
  /** rows[r][i] is entry rowIndices[r] of the unit eigenvector for values[i]. */
  rows: Float64Array[];
}

/** Give up on an eigenvalue after this many QL sweeps; tql2 typically needs 1–3. */
const MAX_SWEEPS_PER_EIGENVALUE = 60;

function checkShape(diagonal: ArrayLike<number>, offDiagonal: ArrayLike<number>): void {
  if (diagonal.length === 0) throw new Error('tridiagonalEigen: expected a non-empty diagonal');
  if (offDiagonal.length !== diagonal.length - 1) {
    throw new Error(
      `tridiagonalEigen: diagonal has ${diagonal.length} entries, so the off-diagonal needs ` +
      `${diagonal.length - 1}, got ${offDiagonal.length}`,
    );
  }
}

/**
 * Implicit QL on d (diagonal, overwritten with eigenvalues) and e (off-diagonal in e[0..m-2],
 * e[m-1] = 0; destroyed). Each row z of `rows` is multiplied by the accumulated rotations, so a
 * row that starts as the unit vector e_k ends as row k of the eigenvector matrix.
 */
function tql2(d: Float64Array, e: Float64Array, rows: Float64Array[]): void {
  const m = d.length;
  let shiftTotal = 0;
  let scaleSeen = 0;
  const eps = Number.EPSILON;
  for (let l = 0; l < m; l++) {
    scaleSeen = Math.max(scaleSeen, Math.abs(d[l]!) + Math.abs(e[l]!));
    // Find the first negligible off-diagonal at or below l: it splits off an unreduced block l..end.
    let end = l;
    while (end < m - 1 && Math.abs(e[end]!) > eps * scaleSeen) end++;
    if (end > l) {
      let sweeps = 0;
      do {
        if (++sweeps > MAX_SWEEPS_PER_EIGENVALUE) {
          throw new Error(`tridiagonalEigen: QL did not converge for eigenvalue ${l} after ${MAX_SWEEPS_PER_EIGENVALUE} sweeps`);
        }
        // Shift from the leading 2×2 block (its eigenvalue closer to d[l]).
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < m; i++) d[i]! -= h;
        shiftTotal += h;
        // Implicit QL sweep from the bottom of the block up to l, chasing the bulge with rotations.
        p = d[end]!;
        let c = 1, c2 = 1, c3 = 1, s = 0, s2 = 0;
        const el1 = e[l + 1]!;
        for (let i = end - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          for (const z of rows) {
            const zi1 = z[i + 1]!;
            z[i + 1] = s * z[i]! + c * zi1;
            z[i] = c * z[i]! - s * zi1;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > eps * scaleSeen);
    }
    d[l] = d[l]! + shiftTotal;
    e[l] = 0;
  }
}

function solve(diagonal: ArrayLike<number>, offDiagonal: ArrayLike<number>, rows: Float64Array[]) {
  checkShape(diagonal, offDiagonal);
  const m = diagonal.length;
  const d = Float64Array.from(diagonal);
  const e = new Float64Array(m);
  for (let i = 0; i < m - 1; i++) e[i] = offDiagonal[i]!;
  for (let i = 0; i < m; i++) {
    if (!Number.isFinite(d[i]!) || !Number.isFinite(e[i]!)) {
      throw new Error(`tridiagonalEigen: entry ${i} is not finite (diagonal ${d[i]}, off-diagonal ${e[i]})`);
    }
  }
  tql2(d, e, rows);
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => d[a]! - d[b]!);
  const values = Float64Array.from(order, (i) => d[i]!);
  const sortedRows = rows.map((z) => Float64Array.from(order, (i) => z[i]!));
  return { values, sortedRows };
}

function unitRow(m: number, k: number): Float64Array {
  const z = new Float64Array(m);
  z[k] = 1;
  return z;
}

/** All eigenvalues (ascending) and unit eigenvectors of the symmetric tridiagonal matrix. */
export function tridiagonalEigen(diagonal: ArrayLike<number>, offDiagonal: ArrayLike<number>): TridiagonalEigen {
  const m = diagonal.length;
  const { values, sortedRows } = solve(diagonal, offDiagonal, Array.from({ length: m }, (_, k) => unitRow(m, k)));
  // sortedRows[k][i] is entry k of eigenvector i; transpose into one array per eigenvector.
  const vectors = Array.from({ length: m }, (_, i) => Float64Array.from(sortedRows, (row) => row[i]!));
  return { values, vectors };
}

/**
 * Eigenvalues (ascending) and only the chosen entries of every eigenvector, e.g. rowIndices [0]
 * for Gauss quadrature weights or [m − 1] for Lanczos residual estimates.
 */
export function tridiagonalEigenRows(
  diagonal: ArrayLike<number>,
  offDiagonal: ArrayLike<number>,
  rowIndices: readonly number[],
): TridiagonalEigenRows {
  const m = diagonal.length;
  for (const k of rowIndices) {
    if (!Number.isInteger(k) || k < 0 || k >= m) {
      throw new Error(`tridiagonalEigenRows: row index ${k} is outside 0..${m - 1}`);
    }
  }
  const { values, sortedRows } = solve(diagonal, offDiagonal, rowIndices.map((k) => unitRow(m, k)));
  return { values, rows: sortedRows };
}
