// Stochastic Lanczos quadrature (Golub & Meurant; Ubaru, Chen & Saad 2017; for Hessians Ghorbani,
// Krishnan & Xiao 2019): the spectral density φ(t) = (1/n) Σ δ(t − λᵢ) estimated from m-step Lanczos
// runs. For a unit start v, vᵀ f(A) v ≈ Σⱼ τⱼ² f(θⱼ) with Ritz values θⱼ as Gauss quadrature nodes
// and τⱼ the first components of T's eigenvectors as weights (exact for polynomials of degree
// < 2m). Averaging over random v estimates (1/n) tr f(A); replacing δ by a Gaussian of width σ
// gives a smooth density that integrates to one.

import type { Rng } from '../rng.js';
import { rademacherVector } from '../linalg/random.js';
import { lanczosProcess } from './krylov.js';
import { requireSelfAdjoint, type LinearOperator } from './operator.js';
import type { ProgressCallback } from './progress.js';
import { tridiagonalEigenRows } from './tridiagonal.js';

export interface SlqOptions {
  /** Random start vectors, each a separate Lanczos run (default 10). */
  runs?: number;
  /** Lanczos steps per run (default 80, at most n); moments up to degree 2·steps − 1 are exact per start. */
  steps?: number;
  /** Standard deviation of the Gaussian that broadens each node, in eigenvalue units. */
  sigma?: number;
  /** When sigma is absent: sigma = sigmaRelative × (largest − smallest node). Default 0.01. */
  sigmaRelative?: number;
  /** Points of the evaluation grid (default 1000). */
  gridSize?: number;
  /** The grid extends this many sigmas beyond the extreme nodes (default 6, losing < 1e-8 of the mass). */
  gridPadding?: number;
  rng: Rng;
  progress?: ProgressCallback;
}

export interface SlqResult {
  /** Evenly spaced eigenvalue axis. */
  grid: Float64Array;
  /** Density at each grid point; its trapezoid integral is 1 up to the mass beyond the padding. */
  values: Float64Array;
  /** Quadrature nodes (Ritz values) of all runs, concatenated. */
  nodes: Float64Array;
  /** Quadrature weights τⱼ²/runs matching `nodes`; they sum to 1: Σ w f(θ) ≈ (1/n) tr f(A). */
  weights: Float64Array;
  sigma: number;
  runs: number;
  matvecs: number;
}

export async function slqDensity(op: LinearOperator, options: SlqOptions): Promise<SlqResult> {
  requireSelfAdjoint(op, 'slqDensity');
  const n = op.size;
  const runs = options.runs ?? 10;
  const steps = Math.min(options.steps ?? 80, n);
  const gridSize = options.gridSize ?? 1000;
  const gridPadding = options.gridPadding ?? 6;
  const sigmaRelative = options.sigmaRelative ?? 0.01;
  const positiveInteger = (name: string, value: number, least: number) => {
    if (!Number.isInteger(value) || value < least) throw new Error(`slqDensity: ${name} must be an integer ≥ ${least}, got ${value}`);
  };
  positiveInteger('runs', runs, 1);
  positiveInteger('steps', steps, 1);
  positiveInteger('gridSize', gridSize, 2);

  const nodes: number[] = [];
  const weights: number[] = [];
  let matvecs = 0;
  let firstMomentSum = 0; // Σ τ²θ over finished runs: their estimate of tr(A)/n
  for (let r = 0; r < runs; r++) {
    const meanSoFar = r === 0 ? NaN : firstMomentSum / r;
    const lanczos = await lanczosProcess(op, {
      steps,
      start: rademacherVector(options.rng, n), // normalised inside the process
      onStep: () => {
        matvecs++;
        options.progress?.({ iteration: matvecs, total: runs * steps, estimate: meanSoFar });
        return false;
      },
    });
    const m = lanczos.alpha.length;
    const { values, rows } = tridiagonalEigenRows(lanczos.alpha, lanczos.beta.subarray(0, m - 1), [0]);
    for (let j = 0; j < m; j++) {
      const tau2 = rows[0]![j]! ** 2;
      nodes.push(values[j]!);
      weights.push(tau2 / runs);
      firstMomentSum += tau2 * values[j]!;
    }
  }

  const smallest = Math.min(...nodes), largest = Math.max(...nodes);
  const width = largest > smallest ? largest - smallest : Math.max(Math.abs(largest), 1);
  const sigma = options.sigma ?? sigmaRelative * width;
  if (!(sigma > 0) || !Number.isFinite(sigma)) throw new Error(`slqDensity: sigma must be a positive number, got ${sigma}`);
  const low = smallest - gridPadding * sigma, high = largest + gridPadding * sigma;
  const spacing = (high - low) / (gridSize - 1);
  // Trapezoid integration of a Gaussian is exact to ~exp(−2π²σ²/h²): < 3e-9 while h ≤ σ.
  if (spacing > sigma) {
    throw new Error(
      `slqDensity: grid spacing ${spacing.toPrecision(3)} exceeds sigma ${sigma.toPrecision(3)} over ` +
      `[${low.toPrecision(4)}, ${high.toPrecision(4)}]; raise gridSize to at least ${Math.ceil((high - low) / sigma) + 1} or sigma`,
    );
  }
  const grid = Float64Array.from({ length: gridSize }, (_, i) => low + i * spacing);
  const values = new Float64Array(gridSize);
  const norming = 1 / (sigma * Math.sqrt(2 * Math.PI));
  for (let j = 0; j < nodes.length; j++) {
    const node = nodes[j]!, w = weights[j]! * norming;
    // Only points within 10σ contribute more than e^{−50}.
    const from = Math.max(0, Math.floor((node - 10 * sigma - low) / spacing));
    const to = Math.min(gridSize - 1, Math.ceil((node + 10 * sigma - low) / spacing));
    for (let i = from; i <= to; i++) {
      const z = (grid[i]! - node) / sigma;
      values[i]! += w * Math.exp(-0.5 * z * z);
    }
  }
  return { grid, values, nodes: Float64Array.from(nodes), weights: Float64Array.from(weights), sigma, runs, matvecs };
}
