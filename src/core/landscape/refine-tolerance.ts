// --refine with --tolerance: every level's new nodes are evaluated at the stated error (one target for the run, from
// the coarse lattice's first pass when relative), and a node disagrees with its cell's interpolation only by what
// exceeds k standard errors of (node − interpolation), from the shared samples of node and corners.
import { combinationStderr, lossCovariance } from '../classify/paired.js';
import type { RunDir } from '../runs/run-dir.js';
import type { AdaptiveOutcome, AdaptiveSummary } from './adaptive-run.js';
import type { Tolerance } from './adaptive.js';
import { refineGrid, type RefineOutcome } from './refine.js';
import type { Range } from '../runs/grid.js';

/** k of the disagreement test at a stated error: a node disagrees by what exceeds k paired errors. */
export const REFINE_ERROR_MULTIPLE = 2;

/**
 * Runs the refinement with `adaptiveRun` evaluating each level's indices at the stated error. Returns the refined
 * grid, the run's summary and, for a curve, the covariance of every point (interpolated ones through their weights).
 */
export async function refineAtTolerance(
  job: { kind: 'curve' | 'surface'; ranges: readonly Range[] }, refine: Tolerance, run: RunDir,
  adaptiveRun: (indices?: number[], target?: number) => Promise<AdaptiveOutcome>,
): Promise<{ refined: RefineOutcome; summary: AdaptiveSummary; covariance?: number[][] }> {
  const [nx, ny] = [job.ranges[0]!.count, job.ranges[1]?.count ?? 1];
  let last: AdaptiveOutcome | undefined;
  const field = (k: number, f: string) => run.finished.get(k)![f] as number;
  const refined = await refineGrid(nx, ny, refine, async (indices) => {
    last = await adaptiveRun(indices, last?.summary.target);
    if (indices.some((k) => !run.finished.has(k))) throw new Error('interrupted');
  }, (k) => ({ loss: field(k, 'loss'), accuracy: field(k, 'accuracy') }), (node, terms) => {
    const at = (k: number, coefficient: number) => ({ ...last!.paired(k), coefficient });
    return REFINE_ERROR_MULTIPLE * combinationStderr([at(node, 1), ...terms.map(([k, w]) => at(k, -w))], last!.summary.population);
  });
  if (job.kind !== 'curve') {
    const sampleStderr = refined.terms.map((t, k) => (t ? combinationStderr(t.map(([c, w]) => ({ ...last!.paired(c), coefficient: w })), last!.summary.population) : last!.paired(k).stderr));
    return { refined: withSamplingError(refined, sampleStderr), summary: last!.summary };
  }
  // Measured points' covariance from their shared samples, carried to the interpolated ones through their weights.
  const measured = refined.measured.flatMap((m, k) => (m ? [k] : []));
  const pts = measured.map((k) => last!.paired(k));
  const cm = lossCovariance(pts.map((p) => p.point), pts.map((p) => p.stderr), last!.summary.population);
  const slot = new Map(measured.map((k, s) => [k, s]));
  const rows = refined.measured.map((_, k) => (slot.has(k) ? [[slot.get(k)!, 1] as [number, number]] : refined.terms[k]!.map(([c, w]) => [slot.get(c)!, w] as [number, number])));
  const covariance = rows.map((a) => rows.map((b) => a.reduce((s, [p, wp]) => s + b.reduce((t, [q, wq]) => t + wp * wq * cm[p]![q]!, 0), 0)));
  return { refined: withSamplingError(refined, covariance.map((row, k) => Math.sqrt(Math.max(0, row[k]!)))), summary: last!.summary, covariance };
}

/**
 * An interpolated point errs by its cell's interpolation (the disagreement seen, `bound`) and by its corners' sampling
 * error (Σ w_c · corner_c, `sampleStderr`): its stated bound is the first plus k of the second, the whole error.
 */
function withSamplingError(refined: RefineOutcome, sampleStderr: number[]): RefineOutcome {
  const bound = refined.bound.map((b, k) => (refined.terms[k] ? b + REFINE_ERROR_MULTIPLE * sampleStderr[k]! : b));
  return { ...refined, bound, sampleStderr };
}
