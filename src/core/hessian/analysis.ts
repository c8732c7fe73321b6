// One Hessian report from an operator: extreme eigenpairs (Lanczos, with measured residuals), the trace
// (Hutchinson or Hutch++) and the spectral density (SLQ). Each algorithm gets its own generator derived from one
// seed, so adding --density does not change the eigenvalues.
import { InputError, option, worded } from '../../ir/errors.js';
import { createRng } from '../rng.js';
import { hutchinsonTrace } from './hutchinson.js';
import { hutchppTrace } from './hutchpp.js';
import { lanczos, residualNorms } from './lanczos.js';
import type { LinearOperator } from './operator.js';
import type { ProgressStep } from './progress.js';
import { slqDensity } from './slq.js';

export type TraceMethod = 'hutchinson' | 'hutch++';
export const TRACE_METHODS: readonly TraceMethod[] = ['hutchinson', 'hutch++'];

export interface HessianAnalysisOptions {
  /** Largest eigenpairs wanted (0: none). */
  top: number;
  /** Most negative eigenpairs wanted (0: none). */
  bottom: number;
  /** Lanczos convergence tolerance relative to ‖H‖ (default 1e-5: products are float32). */
  tol?: number;
  /** Largest Krylov dimension per Lanczos run (default: the algorithm's). */
  maxIter?: number;
  trace?: { method: TraceMethod; matvecs: number };
  density?: { runs: number; steps: number; gridSize?: number; sigmaRelative?: number };
  seed: number;
  /** Stage name and the algorithm's progress step. */
  onProgress?: (stage: AnalysisStage, step: ProgressStep) => void;
  /** The job options that set the top and bottom counts, mentioned in errors (a shell prints its flags); default plain 'top' and 'bottom'. */
  names?: { top: string; bottom: string };
}

/** More eigenpairs asked for than the operator has dimensions: bad input (exit 2). */
export class EigenCountError extends InputError {}

export type AnalysisStage = 'top' | 'bottom' | 'residuals' | 'trace' | 'density';

export interface EigenPairs {
  /** Top: descending; bottom: most negative first. */
  values: number[];
  vectors: Float64Array[];
  /** Measured ‖H v − λ v‖ (one extra product each). */
  residuals: number[];
  converged: boolean;
  matvecs: number;
}

export interface HessianAnalysis {
  top?: EigenPairs;
  bottom?: EigenPairs;
  trace?: { mean: number; stderr: number; samples: number; method: TraceMethod; matvecs: number };
  density?: { grid: number[]; values: number[]; sigma: number; runs: number; steps: number; matvecs: number; nodes: number[]; weights: number[] };
  matvecs: number;
}

const SEED_OFFSETS = { top: 1, bottom: 2, trace: 3, density: 4 } as const;

export async function analyseHessian(op: LinearOperator, o: HessianAnalysisOptions): Promise<HessianAnalysis> {
  const rngFor = (stage: keyof typeof SEED_OFFSETS) => createRng((o.seed * 1_000_003 + SEED_OFFSETS[stage]) >>> 0);
  const report = (stage: AnalysisStage) => (step: ProgressStep) => o.onProgress?.(stage, step);
  const out: HessianAnalysis = { matvecs: 0 };
  for (const which of ['top', 'bottom'] as const) {
    const k = which === 'top' ? o.top : o.bottom;
    if (!k) continue;
    const count = o.names ? option(o.names[which], k) : `${which} ${k}`;
    if (k > op.size) throw new EigenCountError(worded`${count} exceeds the number of parameters analysed (${op.size})`);
    const r = await lanczos(op, { k, which: which === 'top' ? 'largest' : 'smallest', tol: o.tol ?? 1e-5, maxIter: o.maxIter, rng: rngFor(which), progress: report(which) });
    const residuals = await residualNorms(op, r.eigenvalues, r.eigenvectors);
    o.onProgress?.('residuals', { iteration: k, total: k, estimate: r.eigenvalues[0]! });
    out[which] = { values: [...r.eigenvalues], vectors: r.eigenvectors, residuals: [...residuals], converged: r.converged, matvecs: r.matvecs + k };
    out.matvecs += r.matvecs + k;
  }
  if (o.trace) {
    const t = o.trace.method === 'hutchinson'
      ? await hutchinsonTrace(op, { samples: o.trace.matvecs, rng: rngFor('trace'), progress: report('trace') })
      : await hutchppTrace(op, { matvecs: o.trace.matvecs, rng: rngFor('trace'), progress: report('trace') });
    out.trace = { mean: t.estimate, stderr: t.stderr, samples: t.samples, method: o.trace.method, matvecs: t.matvecs };
    out.matvecs += t.matvecs;
  }
  if (o.density) {
    const d = await slqDensity(op, { runs: o.density.runs, steps: o.density.steps, gridSize: o.density.gridSize, sigmaRelative: o.density.sigmaRelative, rng: rngFor('density'), progress: report('density') });
    out.density = { grid: [...d.grid], values: [...d.values], sigma: d.sigma, runs: d.runs, steps: Math.min(o.density.steps, op.size), matvecs: d.matvecs, nodes: [...d.nodes], weights: [...d.weights] };
    out.matvecs += d.matvecs;
  }
  return out;
}
