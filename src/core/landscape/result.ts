// The result of a curve or surface run: its grid's axes and the result.json written from the finished point records
// (with --tolerance's per-point errors and --refine's interpolated points).
import { classifyCurve, classifyWithErrors } from '../classify/index.js';
import { cosine } from '../directions/plane.js';
import { linspace } from '../runs/grid.js';
import type { PointRecord, RunDir } from '../runs/run-dir.js';
import { formatTolerance } from './adaptive.js';
import type { AdaptiveSummary } from './adaptive-run.js';
import type { BnMode } from './bn.js';
import type { LandscapeJob } from './job.js';
import type { RefineOutcome } from './refine.js';

export function landscapeAxes(job: Pick<LandscapeJob, 'ranges'>): number[][] {
  return job.ranges.map(linspace);
}

/** Number of grid points; point indices run over 0 … total − 1, row-major with x fastest. */
export function landscapeTotal(job: Pick<LandscapeJob, 'ranges'>): number {
  return job.ranges.reduce((n, r) => n * r.count, 1);
}

export interface CurveResult {
  kind: 'curve';
  lambdas: number[];
  loss: number[];
  accuracy: number[];
  lossStderr: number[];
  type: string;
  features: unknown;
  direction: string;
  bn: BnMode;
  /** --tolerance runs only: per point the samples used and the per-sample standard errors (finite-population corrected). */
  samples?: number[];
  lossSampleStderr?: number[];
  accuracyStderr?: number[];
  adaptive?: AdaptiveSummary;
  /** --tolerance curves: covariance of the points' mean losses from their shared samples (paired errors). */
  lossCovariance?: number[][];
  /** --tolerance runs only: the share of curves redrawn within the errors that keep the type, and whether it is low. */
  typeConfidence?: number;
  uncertain?: boolean;
  /** --refine runs only: which points were evaluated, the bound of the interpolated ones, and the run's summary. */
  measured?: boolean[];
  interpolationBound?: number[];
  refine?: RefineSummary;
}

/** What a --refine run did: its target (loss units), levels, and points evaluated of the grid's. */
export interface RefineSummary { tolerance: string; target: number; levels: number; evaluated: number; total: number }

export interface SurfaceResult {
  kind: 'surface';
  x: number[];
  y: number[];
  /** loss[j][i] at (x[i], y[j]). */
  loss: number[][];
  accuracy: number[][];
  lossStderr: number[][];
  directions: string[];
  cosineXY: number;
  bn: BnMode;
  /** --tolerance runs only: per point the samples used and the per-sample standard errors, as loss[j][i]. */
  samples?: number[][];
  lossSampleStderr?: number[][];
  accuracyStderr?: number[][];
  adaptive?: AdaptiveSummary;
  /** --refine runs only, as loss[j][i]. */
  measured?: boolean[][];
  interpolationBound?: number[][];
  refine?: RefineSummary;
}

/** Result fields of a --tolerance run: per point samples used and per-sample errors; the run's target and cost. */
const ADAPTIVE_FIELDS = ['samples', 'lossSampleStderr', 'accuracyStderr'] as const;

/** The result file of a finished run, from its point records; written to result.json. */
export async function finishLandscape(job: Pick<LandscapeJob, 'kind' | 'ranges' | 'directions' | 'bn' | 'refine'>, run: RunDir, adaptive?: AdaptiveSummary, refined?: RefineOutcome, covariance?: number[][]): Promise<CurveResult | SurfaceResult> {
  const axes = landscapeAxes(job);
  const nx = axes[0]!.length;
  const total = landscapeTotal(job);
  if (!refined) for (let i = 0; i < total; i++) if (!run.finished.has(i)) throw new Error(`${run.path('points.jsonl')}: point ${i} of ${total} is missing; the run is not finished`);
  // --refine: points never evaluated are the interpolation of their accepted cell (no per-batch error of their own).
  // With --tolerance an interpolated point has no samples of its own; its sampling error is its interpolation's.
  const rec = (i: number): PointRecord => run.finished.get(i) ?? {
    index: i, loss: refined!.loss[i]!, accuracy: refined!.accuracy[i]!, lossStderr: Number.NaN,
    ...(adaptive ? { samples: 0, lossSampleStderr: refined!.sampleStderr?.[i] ?? Number.NaN, accuracyStderr: Number.NaN } : {}),
  };
  let result: CurveResult | SurfaceResult;
  if (job.kind === 'curve') {
    const lambdas = axes[0]!;
    const loss = lambdas.map((_, i) => rec(i)['loss'] as number);
    // A diverged point (NaN/∞) or a range without λ=0 leaves the curve unnamed rather than losing the run.
    // --tolerance: extrema must clear their errors, and the type says how sure it is (typeConfidence, uncertain).
    let cls: { type: string; features: unknown; typeConfidence?: number; uncertain?: boolean };
    try {
      if (!adaptive) cls = classifyCurve(lambdas, loss);
      else {
        // Rises clear paired errors where the covariance of the shared samples is known (classify/paired.ts).
        const c = classifyWithErrors(lambdas, loss, lambdas.map((_, i) => rec(i)['lossSampleStderr'] as number), covariance ? { covariance } : {});
        cls = { type: c.type, features: c.features, typeConfidence: c.typeConfidence, uncertain: c.uncertain };
      }
    } catch (e) {
      cls = { type: 'unclassified', features: { error: (e as Error).message } };
    }
    result = {
      kind: 'curve', lambdas, loss,
      accuracy: lambdas.map((_, i) => rec(i)['accuracy'] as number),
      lossStderr: lambdas.map((_, i) => rec(i)['lossStderr'] as number),
      type: cls.type, features: cls.features, direction: job.directions[0]!.spec, bn: job.bn,
      ...(cls.typeConfidence !== undefined ? { typeConfidence: cls.typeConfidence, uncertain: cls.uncertain } : {}),
    };
  } else {
    const [x, y] = [axes[0]!, axes[1]!];
    const grid = (field: string): number[][] => y.map((_, j) => x.map((_, i) => rec(j * nx + i)[field] as number));
    result = {
      kind: 'surface', x, y, loss: grid('loss'), accuracy: grid('accuracy'), lossStderr: grid('lossStderr'),
      directions: job.directions.map((d) => d.spec), cosineXY: cosine(job.directions[0]!.vector, job.directions[1]!.vector), bn: job.bn,
    };
  }
  if (refined) {
    const perPoint = <T>(v: readonly T[]): T[] | T[][] => (job.kind === 'curve' ? [...v] : axes[1]!.map((_, j) => v.slice(j * nx, (j + 1) * nx)));
    result = {
      ...result, measured: perPoint(refined.measured), interpolationBound: perPoint(refined.bound),
      refine: { tolerance: formatTolerance(job.refine!), target: refined.target, levels: refined.levels, evaluated: refined.evaluated, total },
    } as CurveResult | SurfaceResult;
  }
  if (adaptive) {
    const column = (f: string): number[] | number[][] => (job.kind === 'curve' ? axes[0]!.map((_, i) => rec(i)[f] as number) : axes[1]!.map((_, j) => axes[0]!.map((_, i) => rec(j * nx + i)[f] as number)));
    const extra = Object.fromEntries(ADAPTIVE_FIELDS.map((f) => [f, column(f)]));
    result = { ...result, ...extra, adaptive, ...(covariance ? { lossCovariance: covariance } : {}) };
  }
  await run.writeResult(result);
  return result;
}
