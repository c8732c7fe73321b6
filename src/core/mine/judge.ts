// The honest verdict on a mined direction: a dense curve (≥ 51 points) on data the optimiser never saw, named by
// the taxonomy classifier with its default options, through the same resumable curve runner as `terrain curve`.
import type { LabeledBatch } from '../evaluate/point.js';
import { runLandscape, type CurveResult, type DataSelection } from '../landscape/job.js';
import type { LossChoice } from '../loss/choice.js';
import type { LoadedModel } from '../model-file.js';
import { cosine, norm, type ParamVector } from '../params.js';
import type { Range } from '../runs/grid.js';
import type { AdaptiveOptions, Tolerance } from '../landscape/adaptive.js';

/** The judging grid needs this many points at least: fewer cannot tell three basins from noise (docs/taxonomy.md). */
export const MIN_JUDGE_POINTS = 51;

export interface JudgeJob {
  model: LoadedModel;
  direction: ParamVector;
  /** How the direction is named in the curve's run.json and result (e.g. mined:DIR/seed-3/direction.safetensors). */
  spec: string;
  data: DataSelection;
  batches: readonly LabeledBatch[];
  batchSize: number;
  range: Range;
  outDir: string;
  threads?: number;
  /** --loss other than cross-entropy. */
  loss?: LossChoice;
  /** --tolerance: the curve at a stated error, its type with paired errors (typeConfidence, uncertain). */
  adaptive?: AdaptiveOptions;
  /** --refine: a refined grid (points not measured are interpolated). */
  refine?: Tolerance;
  info?: Record<string, unknown>;
  signal?: AbortSignal;
}

export function checkJudgeRange(range: Range): void {
  if (range.count < MIN_JUDGE_POINTS) throw new Error(`the judging grid has ${range.count} points; it needs at least ${MIN_JUDGE_POINTS} (e.g. ${range.from}:${range.to}:${MIN_JUDGE_POINTS})`);
  if (!(range.from < 0 && range.to > 0)) throw new Error(`the judging grid ${range.from}:${range.to} must contain θ (λ = 0) strictly inside`);
}

export async function judgeDirection(job: JudgeJob): Promise<CurveResult> {
  checkJudgeRange(job.range);
  const theta = job.model.theta;
  const { result } = await runLandscape({
    kind: 'curve', model: job.model, data: job.data, batches: job.batches, batchSize: job.batchSize,
    directions: [{
      vector: job.direction, spec: job.spec,
      info: { kind: 'mined', norm: norm(job.direction), rawNorm: norm(job.direction), thetaNorm: norm(theta), cosineToTheta: cosine(job.direction, theta) },
    }],
    bufferDeltas: [undefined], bn: 'eval', ranges: [job.range], outDir: job.outDir, threads: job.threads, ...(job.loss ? { loss: job.loss } : {}),
    ...(job.adaptive ? { adaptive: job.adaptive } : {}), ...(job.refine ? { refine: job.refine } : {}),
    info: job.info ?? {}, signal: job.signal,
  });
  return result as CurveResult;
}
