// Curves and surfaces: θ + Σ cₖ·dₖ for every grid point, each point evaluated independently and appended to the run.
import { SAMPLE_LOSS } from '../../ir/loss.js';
import type { LossChoice } from '../loss/choice.js';
import { lossFeeds, lossModel } from '../loss/evaluate.js';
import { createHash } from 'node:crypto';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Tensor } from '../../ir/tensor.js';
import { saveDirection } from '../directions/io.js';
import type { ResolvedDirection } from '../directions/resolve.js';
import { evaluateBatches, evaluateWeights, type LabeledBatch } from '../evaluate/point.js';
import type { BatchStats } from '../evaluate/metrics.js';
import type { LoadedModel } from '../model-file.js';
import { combine, toTensors } from '../params.js';
import { executePoints, type Progress } from '../runs/execute.js';
import { formatRange, type Range } from '../runs/grid.js';
import { readJson, RunDir, RUN_FILE, type PointRecord, type RunConfig } from '../runs/run-dir.js';
import { fasterSessionMode, pointRunner, type PointRunner, type SessionMode } from '../evaluate/sessions.js';
import { INPUT, LOGITS } from '../../ir/model.js';
import { pointBuffers, type BnMode } from './bn.js';
import { startPointWorkers } from './point-pool.js';
import { formatTolerance, type AdaptiveOptions, type Tolerance } from './adaptive.js';
import { refineGrid, type RefineOutcome } from './refine.js';
import { runAdaptive } from './adaptive-run.js';
import { refineAtTolerance } from './refine-tolerance.js';
import { evaluateWithLosses } from './sample-losses.js';
import { finishLandscape, landscapeAxes, landscapeTotal, type CurveResult, type SurfaceResult } from './result.js';

// The result side lives in ./result.ts; its names stay importable from here.
export { finishLandscape, landscapeAxes, landscapeTotal, type CurveResult, type RefineSummary, type SurfaceResult } from './result.js';

export interface DataSelection {
  source: string;
  split: string;
  samples?: number;
  seed: number;
  /** The --normalize in force ('per-channel', 'none', 'MEAN,STD'): recorded in run.json as part of the identity. */
  normalize?: string;
  /** The --loss ('cross-entropy', 'mse', …), where the command takes one: part of the identity. */
  loss?: string;
  /** Hash of the exact samples evaluated. */
  hash: string;
  count: number;
}

export interface LandscapeJob {
  kind: 'curve' | 'surface';
  model: LoadedModel;
  data: DataSelection;
  batches: readonly LabeledBatch[];
  batchSize: number;
  /** One direction for a curve, two (x, y) for a surface. */
  directions: readonly ResolvedDirection[];
  /** Per direction: how it moves the BN running statistics (for --bn perturb), where it defines that. */
  bufferDeltas: readonly (Map<string, Tensor> | undefined)[];
  bn: BnMode;
  /** Training batches for --bn recompute. */
  recomputeBatches?: readonly LabeledBatch[];
  ranges: readonly Range[];
  outDir: string;
  /** ORT intra-op threads of each point's session (default 1: the cores go to parallel points instead). */
  threads?: number;
  /** Points evaluated at once, the main thread and worker threads (default: cores ÷ threads). */
  workers?: number;
  /** --tolerance: each point's sample count grows until its loss has the stated error (absent: the whole split). */
  adaptive?: AdaptiveOptions;
  /**
   * How points reach ORT (core/evaluate/sessions.ts): 'auto' (default) keeps what an existing run directory recorded,
   * else times both ways on θ and takes the faster; the choice is part of the run's identity when it is 'reused'.
   */
  session?: SessionMode | 'auto';
  /** --refine: a coarse lattice, subdivided only where new nodes disagree with their cell's interpolation (./refine.ts). */
  refine?: Tolerance;
  /**
   * A --loss other than cross-entropy (absent: cross-entropy from the logits, as always). Such a job runs on the
   * main thread only (no worker threads, no --tolerance); the loss name is in data.loss, part of the identity.
   */
  loss?: LossChoice;
  /** Command line and other provenance; not part of the run's identity. */
  info: Record<string, unknown>;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

export function vectorHash(v: Float32Array): string {
  return createHash('sha256').update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)).digest('hex');
}

/**
 * ORT intra-op threads of every point session: the job's, or 1 when it leaves that open — parallel points use the
 * cores better than parallel kernels (docs/benchmarks.md). Part of the run's identity: it can change the last bits.
 */
export function landscapeThreads(job: Pick<LandscapeJob, 'threads'>): number {
  return job.threads && job.threads > 0 ? job.threads : 1;
}

/** Points evaluated at once: the job's, or as many as the cores hold at `threads` each. */
export function landscapeLanes(job: Pick<LandscapeJob, 'threads' | 'workers'>): number {
  return job.workers && job.workers > 0 ? job.workers : Math.max(1, Math.floor(cpus().length / landscapeThreads(job)));
}

/** Below this much single-lane work left, starting worker threads (module load, session warm-up) does not pay. */
const WORKERS_PAY_AFTER_SECONDS = 2;

/** Opens (or resumes) the run directory of a job and saves its directions there. */
export async function openLandscapeRun(job: LandscapeJob): Promise<{ run: RunDir; resumed: number; total: number }> {
  const want = job.kind === 'curve' ? 1 : 2;
  if (job.directions.length !== want || job.ranges.length !== want) throw new Error(`a ${job.kind} needs ${want} direction(s) and range(s)`);
  const identity = {
    model: { path: job.model.path, sha256: job.model.hash, arch: job.model.model.spec.arch },
    data: job.data,
    batchSize: job.batchSize,
    directions: job.directions.map((d) => ({ spec: d.spec, sha256: vectorHash(d.vector.data) })),
    bn: job.bn,
    grid: job.ranges.map(formatRange),
    threads: landscapeThreads(job),
    // Only runs with a reused session carry the key, so run.json of a per-point run is as before.
    ...(job.session === 'reused' ? { session: 'reused' } : {}),
    ...(job.refine ? { refine: formatTolerance(job.refine) } : {}),
    // Only --tolerance runs carry the key, so run.json of a plain run is as before.
    ...(job.adaptive ? { adaptive: { tolerance: formatTolerance(job.adaptive.tolerance), minSamples: job.adaptive.minSamples, permutationSeed: job.adaptive.seed } } : {}),
  };
  const run = await RunDir.open(job.outDir, { kind: job.kind, identity, info: { ...job.info, directionInfo: job.directions.map((d) => d.info) } });
  const resumed = run.finished.size;
  const names = job.kind === 'curve' ? ['direction'] : ['direction-x', 'direction-y'];
  job.directions.forEach((d, k) => saveDirection(run.path(`${names[k]}.safetensors`), d.vector, { spec: d.spec }));
  return { run, resumed, total: landscapeTotal(job) };
}

/** What one grid point needs: the model, directions, BN handling, batches and threads (no run directory). */
export type PointJob = Pick<LandscapeJob, 'kind' | 'model' | 'batches' | 'directions' | 'bufferDeltas' | 'bn' | 'recomputeBatches' | 'ranges' | 'threads' | 'loss'> & {
  /** Session mode; unresolved 'auto' (runLandscape resolves it first) counts as per-point here. */
  session?: SessionMode | 'auto';
  /** --tolerance: the split re-batched in the run's permutation order (blocks are read from here). */
  sampleBatches?: readonly LabeledBatch[];
  /** Keep per-sample losses of permutation blocks (curves always; surfaces under --refine, for paired errors). */
  keepLosses?: boolean;
};

/** Weights (parameters and BN buffers) of grid point `index`: θ + Σ cₖ·dₖ. Deterministic in index. */
function pointWeights(job: PointJob): (index: number) => Promise<Map<string, Tensor>> {
  const threads = landscapeThreads(job);
  const axes = landscapeAxes(job);
  const nx = axes[0]!.length;
  const coefficients = (index: number): number[] => (job.kind === 'curve' ? [axes[0]![index]!] : [axes[0]![index % nx]!, axes[1]![Math.floor(index / nx)]!]);
  const theta = job.model.theta;
  return async (index) => {
    const c = coefficients(index);
    const point = combine(theta, c.map((ck, k) => [ck, job.directions[k]!.vector] as const));
    const weights = toTensors(point);
    const buffers = await pointBuffers({ ...job, threads }, point, c);
    for (const [k, t] of buffers) weights.set(k, t);
    return weights;
  };
}

/** Evaluates grid point `index` of a job: θ + Σ cₖ·dₖ with its BN buffers, on the job's batches. Deterministic in index. */
export function pointEvaluator(job: PointJob, runner = jobRunner(job)): (index: number) => Promise<Omit<PointRecord, 'index'>> {
  const threads = landscapeThreads(job);
  const weightsOf = pointWeights(job);
  return async (index) => {
    const s = await evaluateWeights(job.model.model, await weightsOf(index), job.batches, { threads, runner, loss: job.loss });
    return { loss: s.loss, accuracy: s.accuracy, lossStderr: s.lossStderr };
  };
}

/** The session runner of one thread's evaluator: the job's mode (a reused session lives as long as the runner). */
export function jobRunner(job: PointJob): PointRunner {
  const model = job.loss ? lossModel(job.model.model, job.loss) : job.model.model;
  return pointRunner(model, job.session === 'reused' ? 'reused' : 'per-point', landscapeThreads(job));
}

/**
 * The job's session mode: as given; under 'auto', what the run directory already recorded (a resumed run keeps its
 * values bit for bit), else the faster of the two timed on point 0 and one batch, for points of this job's size.
 */
export async function resolveSessionMode(job: LandscapeJob): Promise<SessionMode> {
  if (job.session && job.session !== 'auto') return job.session;
  const recorded = (await readJson(join(job.outDir, RUN_FILE))) as RunConfig | undefined;
  if (recorded?.identity) return recorded.identity['session'] === 'reused' ? 'reused' : 'per-point';
  const weights = await pointWeights(job)(0);
  const first = job.batches[0];
  if (!first) return 'per-point';
  const batchesPerPoint = job.adaptive ? 1 : job.batches.length;
  if (job.loss) {
    const loss = job.loss;
    return fasterSessionMode(lossModel(job.model.model, loss), weights, landscapeThreads(job), batchesPerPoint, (run) => run({ [INPUT]: first.x, ...lossFeeds(first, loss) }, [SAMPLE_LOSS]));
  }
  return fasterSessionMode(job.model.model, weights, landscapeThreads(job), batchesPerPoint, (run) => run({ [INPUT]: first.x }, [LOGITS]));
}

/** Part of a point's samples: `count` batches of the permutation from batch `from`, or the whole split in its order. */
export type BlockTask = { index: number; from: number; count: number } | { index: number; full: true };

/** Per-batch statistics of one block task; deterministic in the task, whichever thread runs it. */
export function blockEvaluator(job: PointJob, runner = jobRunner(job)): (task: BlockTask) => Promise<BatchStats[]> {
  const threads = landscapeThreads(job);
  const weightsOf = pointWeights(job);
  return async (task) => {
    let batches = job.batches;
    if (!('full' in task)) {
      if (!job.sampleBatches) throw new Error('block tasks need the permuted batches of a run with a tolerance');
      batches = job.sampleBatches.slice(task.from, task.from + task.count);
      if (batches.length !== task.count) throw new Error(`point ${task.index}: batches ${task.from}…${task.from + task.count - 1} are past the ${job.sampleBatches.length} of the split`);
      // A curve keeps each sample's loss: the paired errors its type is decided with need them (classify/paired.ts).
      if ((job.kind === 'curve' || job.keepLosses) && !job.loss) return evaluateWithLosses(job.model.model, await weightsOf(task.index), batches, runner);
    }
    return evaluateBatches(job.model.model, await weightsOf(task.index), batches, { threads, runner, loss: job.loss });
  };
}

export async function runLandscape(given: LandscapeJob): Promise<{ result: CurveResult | SurfaceResult; run: RunDir; resumed: number }> {
  const job: LandscapeJob & { session: SessionMode } = { ...given, session: await resolveSessionMode(given) };
  const { run, resumed, total } = await openLandscapeRun(job);
  const runner = jobRunner(job);
  // Worker threads get the cross-entropy job only (their batches carry no float targets): other losses use one lane.
  const lanes = job.loss ? 1 : landscapeLanes(job);
  try {
    if (job.adaptive && job.loss) throw new Error('a tolerance works with the loss cross-entropy only');
    if (job.adaptive) {
      // --refine with it: surfaces keep per-sample losses too (the disagreement test uses paired errors).
      const adaptiveJob = { ...job, adaptive: job.adaptive, ...(job.refine ? { keepLosses: true } : {}) };
      const adaptiveRun = (indices?: number[], target?: number) => runAdaptive({
        job: adaptiveJob, run, total, runner, signal: job.signal, onProgress: job.onProgress, indices, target,
        helpers: async (blockSeconds, left, sampleBatches) => {
          const count = Math.min(lanes - 1, left - 1);
          if (count < 1 || blockSeconds * left < WORKERS_PAY_AFTER_SECONDS) return { blockEvaluators: [], close: async () => {} };
          return startPointWorkers({ ...adaptiveJob, sampleBatches }, count, landscapeThreads(job));
        },
      });
      if (job.refine) {
        const r = await refineAtTolerance(job, job.refine, run, adaptiveRun);
        return { result: await finishLandscape(job, run, r.summary, r.refined, r.covariance), run, resumed };
      }
      const { summary, covariance } = await adaptiveRun();
      if (job.signal?.aborted && run.finished.size < total) throw new Error('interrupted');
      return { result: await finishLandscape(job, run, summary, undefined, covariance), run, resumed };
    }
    const execute = (indices?: readonly number[]) => executePoints(run, {
      total, indices, signal: job.signal, onProgress: job.onProgress, evaluate: pointEvaluator(job, runner),
      helpers: async (pointSeconds, left) => {
        const count = Math.min(lanes - 1, left - 1);
        if (count < 1 || pointSeconds * left < WORKERS_PAY_AFTER_SECONDS) return { evaluators: [], close: async () => {} };
        return startPointWorkers(job, count, landscapeThreads(job));
      },
    });
    let refined: RefineOutcome | undefined;
    if (job.refine) {
      const [nx, ny] = [job.ranges[0]!.count, job.ranges[1]?.count ?? 1];
      const field = (k: number, f: string) => run.finished.get(k)![f] as number;
      refined = await refineGrid(nx, ny, job.refine, async (indices) => {
        await execute(indices);
        if (indices.some((k) => !run.finished.has(k))) throw new Error('interrupted');
      }, (k) => ({ loss: field(k, 'loss'), accuracy: field(k, 'accuracy') }));
    } else {
      await execute();
    }
    if (job.signal?.aborted && run.finished.size < total && !refined) throw new Error('interrupted');
    const result = await finishLandscape(job, run, undefined, refined);
    return { result, run, resumed };
  } finally {
    run.close();
    await runner.dispose();
  }
}
