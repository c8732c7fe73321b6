// One restart of a mining run: optimise ε from gaussian:seed=S (resuming from its last checkpoint), judge it on
// held-out data (and on mining data), save it, and sum it up as a SeedOutcome — one line of the run's points.jsonl.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { interpolate } from '../classify/features.js';
import { gaussianNoise } from '../directions/gaussian.js';
import { saveDirection } from '../directions/io.js';
import type { CurveResult } from '../landscape/job.js';
import type { ParamVector } from '../params.js';
import type { RunDir } from '../runs/run-dir.js';
import { appendHistory, loadState, readHistory, rewriteHistory, saveState } from './checkpoint.js';
import type { NormConstraint } from './constraint.js';
import type { EvalData, MineJob, SeedOutcome } from './job.js';
import { judgeDirection } from './judge.js';
import type { ModelProbe } from './model-probe.js';
import { initialState, optimizeDirection, type HistoryEntry } from './optimize.js';

export function seedDir(outDir: string, seed: number): string {
  return join(outDir, `seed-${seed}`);
}

export async function mineSeed(job: MineJob, constraint: NormConstraint, seed: number, probe: () => Promise<ModelProbe>): Promise<SeedOutcome> {
  const dir = seedDir(job.outDir, seed);
  mkdirSync(dir, { recursive: true });
  const { direction, steps } = await optimise(job, constraint, seed, dir, probe);
  const directionPath = join(dir, 'direction.safetensors');
  const judged = (data: EvalData, sub: string): Promise<CurveResult> => judgeDirection({
    model: job.model, direction, spec: `mined:${directionPath}`, data: data.selection, batches: data.batches, batchSize: job.evalBatchSize, range: job.judgeRange,
    outDir: join(dir, sub), threads: job.threads, loss: job.loss, adaptive: job.adaptive, refine: job.refine, info: { ...job.info, minedSeed: seed }, signal: job.signal,
  });
  const heldOut = await judged(job.heldOut, 'heldout');
  const inSample = job.inSample ? await judged(job.inSample, 'insample') : undefined;
  const history = readHistory(join(dir, 'history.jsonl'));
  // A type that flips within its error bars is no success: the verdict must hold at the stated error.
  const success = heldOut.type === job.objective.target && heldOut.uncertain !== true;
  saveDirection(directionPath, direction, {
    shape: job.objective.shape, seed: String(seed), heldOutType: heldOut.type, success: String(success),
    model: job.model.hash, constraint: JSON.stringify(job.constraint), probes: JSON.stringify(job.objective.probes),
  });
  return {
    seed, type: heldOut.type, success, inSampleType: inSample?.type ?? null,
    ...(heldOut.typeConfidence !== undefined ? { typeConfidence: heldOut.typeConfidence, uncertain: heldOut.uncertain } : {}),
    finalObjective: tailMean(history.map((e) => e.objective), 0.1),
    heldOutObjective: job.objective.evaluate(job.objective.probes.map((l) => interpolate(heldOut.lambdas, heldOut.loss, l))).value,
    steps, seconds: history.reduce((s, e) => s + (e.ms ?? 0), 0) / 1000,
    objectiveHistory: blockMeans(history, job.config.checkpointEvery),
    heldOutLoss: heldOut.loss, inSampleLoss: inSample?.loss ?? null,
    direction: directionPath, curve: join(dir, 'heldout', 'result.json'),
  };
}

/** Adam steps from the last checkpoint (or the Gaussian start) to config.steps; the history file keeps every step. */
async function optimise(job: MineJob, constraint: NormConstraint, seed: number, dir: string, probe: () => Promise<ModelProbe>): Promise<{ direction: ParamVector; steps: number }> {
  const statePath = join(dir, 'state.safetensors'), historyPath = join(dir, 'history.jsonl');
  const state = loadState(statePath, constraint.size) ?? initialState(constraint, gaussianNoise(job.model.theta.layout, seed));
  rewriteHistory(historyPath, readHistory(historyPath, state.step));
  if (state.step < job.config.steps) {
    await optimizeDirection({
      theta: job.model.theta, constraint, objective: job.objective, probe: (await probe()).seeded(seed), config: job.config, state,
      onStep: (e) => { appendHistory(historyPath, e); job.onStep?.(seed, e); },
      onCheckpoint: (s) => saveState(statePath, s, { seed: String(seed), shape: job.objective.shape }),
      signal: job.signal,
    });
    if (state.step < job.config.steps) throw new Error('interrupted');
  }
  return { direction: constraint.toDirection(state.u), steps: state.step };
}

/** A seed's outcome as one line of points.jsonl: its position in the seed list, then the outcome's fields, flat. */
export type SeedRecord = { index: number } & SeedOutcome;

export async function appendSeed(run: RunDir<SeedRecord>, index: number, outcome: SeedOutcome): Promise<void> {
  await run.append({ index, ...outcome });
}

/** The outcome of the k-th seed of a finished run, read back from its points.jsonl line (its fields checked). */
export function finishedSeed(run: RunDir<SeedRecord>, index: number): SeedOutcome {
  const rec = run.finished.get(index);
  // The line is what the file holds, whatever the type says: check the fields the summary relies on.
  const fields: Partial<Record<keyof SeedRecord, unknown>> = rec ?? {};
  if (!rec || typeof fields.seed !== 'number' || typeof fields.type !== 'string' || typeof fields.success !== 'boolean' || typeof fields.direction !== 'string') {
    throw new Error(`${join(run.dir, 'points.jsonl')}: seed record ${index} is missing or lacks seed, type, success or direction`);
  }
  const { index: _index, ...outcome } = rec;
  return outcome;
}

function blockMeans(history: readonly HistoryEntry[], block: number): { step: number; objective: number }[] {
  const out: { step: number; objective: number }[] = [];
  for (let i = 0; i < history.length; i += block) {
    const part = history.slice(i, i + block);
    out.push({ step: part[part.length - 1]!.step, objective: part.reduce((s, e) => s + e.objective, 0) / part.length });
  }
  return out;
}

function tailMean(v: readonly number[], fraction: number): number {
  if (v.length === 0) return NaN;
  const tail = v.slice(Math.max(0, v.length - Math.max(1, Math.round(v.length * fraction))));
  return tail.reduce((s, x) => s + x, 0) / tail.length;
}
