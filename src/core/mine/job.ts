// A mining run: R restarts (seeds), each optimised, checkpointed every K steps, then judged on held-out data.
//
// OUT/run.json                     identity (model, data, objective, constraint with its --params subset, optimiser,
//                                  seeds, grid); resume check
// OUT/points.jsonl                 one finished seed per line (a resumed run skips them)
// OUT/seed-S/state.safetensors     ε's coordinates + Adam moments after the last checkpoint
// OUT/seed-S/history.jsonl         per step: objective, probe losses, lr, gradient norm
// OUT/seed-S/direction.safetensors the mined ε (the vector itself: use as mined:PATH)
// OUT/seed-S/heldout/              the judging curve (a `terrain curve` run directory on held-out data)
// OUT/seed-S/insample/             the same direction on (a subset of) the mining data, for comparison
// OUT/direction.safetensors        the best seed's ε; OUT/result.json the summary
import type { LossChoice } from '../loss/choice.js';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '../data/index.js';
import type { LabeledBatch } from '../evaluate/point.js';
import type { DataSelection } from '../landscape/job.js';
import type { LoadedModel } from '../model-file.js';
import { formatRange, linspace, type Range } from '../runs/grid.js';
import { RunDir } from '../runs/run-dir.js';
import { toleranceRecord } from '../jobs/tolerance.js';
import { NormConstraint, type ConstraintOptions } from './constraint.js';
import { checkJudgeRange } from './judge.js';
import { ModelProbe } from './model-probe.js';
import type { AdaptiveOptions, Tolerance } from '../landscape/adaptive.js';
import type { Objective } from './objectives.js';
import type { HistoryEntry, OptimizeConfig } from './optimize.js';
import { appendSeed, finishedSeed, mineSeed, seedDir, type SeedRecord } from './seed.js';

export interface EvalData {
  selection: DataSelection;
  batches: readonly LabeledBatch[];
}

export interface MineJob {
  model: LoadedModel;
  objective: Objective;
  /** What defines the objective (shape options, or the template's points), for the run's identity. */
  objectiveIdentity: Record<string, unknown>;
  constraint: ConstraintOptions;
  mining: { dataset: Dataset; selection: DataSelection };
  heldOut: EvalData;
  /** The mined curve on mining data too (optional): shows what the optimiser saw next to the verdict. */
  inSample?: EvalData;
  seeds: readonly number[];
  config: OptimizeConfig;
  /** Mining minibatch size. */
  batchSize: number;
  /** Batch size of the held-out and in-sample curves. */
  evalBatchSize: number;
  judgeRange: Range;
  outDir: string;
  threads?: number;
  /** --loss other than cross-entropy: mined, judged and recorded (selections' loss) under it. */
  loss?: LossChoice;
  /** --tolerance / --refine of the judging curves (judge.ts); recorded in the identity and the result. */
  adaptive?: AdaptiveOptions;
  refine?: Tolerance;
  info: Record<string, unknown>;
  onStep?: (seed: number, entry: HistoryEntry) => void;
  onSeed?: (outcome: SeedOutcome) => void;
  signal?: AbortSignal;
}

export interface SeedOutcome {
  seed: number;
  /** Taxonomy type of the held-out curve: the verdict. */
  type: string;
  /** Held-out type is the target and (with --tolerance) not uncertain within its errors. */
  success: boolean;
  /** --tolerance: the share of redrawn held-out curves that keep the type, and whether it is below 0.9. */
  typeConfidence?: number;
  uncertain?: boolean;
  inSampleType: string | null;
  /** Mean minibatch objective over the last 10% of steps. */
  finalObjective: number;
  /** The objective on the held-out curve, read at the probes (linear interpolation on the dense grid). */
  heldOutObjective: number;
  steps: number;
  /** Optimisation time summed over the history (across resumes), seconds. */
  seconds: number;
  /** The minibatch objective averaged over each block of `checkpointEvery` steps (step = the block's last). */
  objectiveHistory?: { step: number; objective: number }[];
  /** The final curves on the judging grid (MineResult.lambdas): held-out, and on mining data when drawn.
   *  (Optional only for records written before these fields existed; runMining always sets them.) */
  heldOutLoss?: number[];
  inSampleLoss?: number[] | null;
  direction: string;
  curve: string;
}

export interface MineResult {
  kind: 'mine';
  shape: string;
  target: string;
  probes: number[];
  judgeRange: string;
  /** The judging grid (always set by runMining). */
  lambdas?: number[];
  heldOut: DataSelection;
  mining: DataSelection;
  seeds: SeedOutcome[];
  successes: number;
  successRate: number;
  /** The seed whose direction is OUT/direction.safetensors: the best held-out objective among successes, else overall. */
  best: { seed: number; success: boolean; direction: string } | null;
  /** --tolerance / --refine of the judging curves, when given. */
  tolerance?: { tolerance: string; minSamples: number; permutationSeed: number };
  refine?: string;
}

export { seedDir };

export async function runMining(job: MineJob): Promise<{ result: MineResult; run: RunDir<SeedRecord>; resumed: number }> {
  checkJudgeRange(job.judgeRange);
  if (job.seeds.length === 0) throw new Error('mining: no seeds to run (restarts must be ≥ 1)');
  // Before the run directory exists, so that a subset with nothing to move leaves no directory behind.
  const constraint = NormConstraint.of(job.model.theta, job.constraint);
  const run = await RunDir.open<SeedRecord>(job.outDir, { kind: 'mine', identity: mineIdentity(job), info: job.info });
  const resumed = run.finished.size;
  const probe = lazyProbe(job);
  try {
    for (let k = 0; k < job.seeds.length; k++) {
      if (run.finished.has(k)) continue;
      const outcome = await mineSeed(job, constraint, job.seeds[k]!, probe.get);
      await appendSeed(run, k, outcome);
      job.onSeed?.(outcome);
    }
    const result = await summarise(job, job.seeds.map((_, k) => finishedSeed(run, k)));
    await run.writeResult(result);
    return { result, run, resumed };
  } finally {
    await probe.dispose();
    run.close();
  }
}

/** What determines a mining run's numbers: the run directory refuses to resume under another identity. */
function mineIdentity(job: MineJob): Record<string, unknown> {
  return {
    model: { path: job.model.path, sha256: job.model.hash, arch: job.model.model.spec.arch },
    objective: { shape: job.objective.shape, probes: job.objective.probes, target: job.objective.target, ...job.objectiveIdentity },
    constraint: job.constraint,
    optimizer: { steps: job.config.steps, lr: job.config.lr, schedule: job.config.schedule, adam: job.config.adam, batch: job.batchSize },
    mining: job.mining.selection,
    heldOut: job.heldOut.selection,
    inSample: job.inSample?.selection ?? null,
    seeds: job.seeds,
    judge: formatRange(job.judgeRange),
    evalBatch: job.evalBatchSize,
    threads: job.threads ?? 0,
    // Only runs with a stated error carry the keys, so earlier runs keep their identity.
    ...toleranceRecord(job.adaptive, job.refine),
  };
}

/** The mining data's probe, opened when a seed first needs optimising (a resumed run may need none). */
function lazyProbe(job: MineJob): { get: () => Promise<ModelProbe>; dispose: () => Promise<void> } {
  let probe: Promise<ModelProbe> | undefined;
  return {
    get: () => (probe ??= ModelProbe.create(job.model.model, job.model.theta.layout, job.model.buffers, job.mining.dataset, { batchSize: job.batchSize, threads: job.threads, loss: job.loss })),
    dispose: async () => { if (probe) await probe.then((p) => p.dispose(), () => undefined); },
  };
}

/** Every seed's outcome → the best direction copied to OUT/direction.safetensors, and the run's summary. */
async function summarise(job: MineJob, seeds: SeedOutcome[]): Promise<MineResult> {
  const best = pickBest(seeds);
  const bestPath = join(job.outDir, 'direction.safetensors');
  if (best) copyFileSync(best.direction, bestPath);
  const successes = seeds.filter((s) => s.success).length;
  return {
    kind: 'mine', shape: job.objective.shape, target: job.objective.target, probes: [...job.objective.probes],
    judgeRange: formatRange(job.judgeRange), lambdas: linspace(job.judgeRange), heldOut: job.heldOut.selection, mining: job.mining.selection,
    seeds, successes, successRate: successes / seeds.length, ...toleranceRecord(job.adaptive, job.refine),
    best: best ? { seed: best.seed, success: best.success, direction: bestPath } : null,
  };
}

function pickBest(seeds: readonly SeedOutcome[]): SeedOutcome | undefined {
  const pool = seeds.some((s) => s.success) ? seeds.filter((s) => s.success) : seeds;
  return pool.reduce<SeedOutcome | undefined>((b, s) => (!b || s.heldOutObjective < b.heldOutObjective ? s : b), undefined);
}
