// The mining loop: θ fixed, the direction ε optimised by Adam under the norm constraint.
// For a probe f_k = L(θ + λ_k ε) the chain rule gives ∂f_k/∂ε = λ_k ∇_w L(θ + λ_k ε): the ordinary weight gradient at
// the perturbed point, scaled by λ_k. One step evaluates every probe on the same minibatch (their differences, which
// the objectives score, are then far less noisy than the losses), combines ∂J/∂ε = Σ_k (∂J/∂f_k) λ_k ∇_w L, and moves
// ε as described in constraint.ts. The loss at λ = 0 needs no gradient (it does not depend on ε).
import { InputError, option, worded } from '../../ir/errors.js';
import { stepInPlace, type AdamOptions, type OptimizerState } from '../train/optimizer.js';
import { learningRate } from '../train/schedule.js';
import type { ParamVector } from '../params.js';
import type { NormConstraint } from './constraint.js';
import type { Objective } from './objectives.js';

/** A probe's loss is not finite: the shape's λ's reach too far for this model, which a smaller λ₀ fixes (exit 2). */
export class MiningLossError extends InputError {}

export interface ProbeResult {
  loss: number;
  /** ∇_w L at the point (present when asked for). */
  grad?: Float32Array;
}

/** Loss (and weight gradient) at a point of parameter space, on one fixed minibatch. */
export type BatchProbe = (point: Float32Array, withGradient: boolean) => Promise<ProbeResult>;

export interface Probe {
  /** The minibatch of optimisation step `step` (1-based); deterministic in `step`, so a resumed run repeats it. */
  batch(step: number): BatchProbe;
}

export interface MineState {
  /** Steps completed. */
  step: number;
  /** The optimiser's coordinates of ε (see NormConstraint). */
  u: Float32Array;
  adam: OptimizerState;
}

export interface OptimizeConfig {
  steps: number;
  lr: number;
  schedule: 'constant' | 'cosine';
  /** Checkpoint every this many steps (and after the last). */
  checkpointEvery: number;
  adam: AdamOptions;
}

export const DEFAULT_ADAM: Readonly<AdamOptions> = { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };

export interface HistoryEntry {
  step: number;
  /** J on this step's minibatch, at ε before the step's update. */
  objective: number;
  /** f_k on this step's minibatch, one per probe. */
  losses: number[];
  lr: number;
  /** ‖∂J/∂u‖ projected on the constraint's tangent space. */
  gradNorm: number;
  /** Wall-clock milliseconds of the step. */
  ms: number;
}

export interface OptimizeJob {
  theta: ParamVector;
  constraint: NormConstraint;
  objective: Objective;
  probe: Probe;
  config: OptimizeConfig;
  /** Where to start (a fresh state or a loaded checkpoint); updated in place. */
  state: MineState;
  onStep?: (entry: HistoryEntry) => void | Promise<void>;
  /** Awaited, so a checkpoint is on disk before the next step begins. */
  onCheckpoint?: (state: MineState) => void | Promise<void>;
  /** Stops after the current step (no checkpoint is forced; the last one stays valid). */
  signal?: AbortSignal;
}

/** A fresh state at a starting direction (projected onto the constraint). */
export function initialState(constraint: NormConstraint, start: ParamVector): MineState {
  return { step: 0, u: constraint.fromDirection(start), adam: { step: 0 } };
}

/** Losses of every probe and ∂J/∂ε at direction ε on one minibatch. */
export async function objectiveAt(
  theta: ParamVector, direction: ParamVector, objective: Objective, probe: BatchProbe, withGradient = true,
): Promise<{ objective: number; losses: number[]; gradient?: Float64Array }> {
  const n = theta.data.length;
  const t = theta.data, d = direction.data;
  const results: ProbeResult[] = [];
  const point = new Float32Array(n);
  for (const lambda of objective.probes) {
    for (let i = 0; i < n; i++) point[i] = t[i]! + lambda * d[i]!;
    const r = await probe(point, withGradient && lambda !== 0);
    if (!Number.isFinite(r.loss)) throw new MiningLossError(worded`mining: the loss at λ=${lambda} is ${r.loss}; λ₀ is too large for this model (try a smaller ${option('lambda0', undefined, 'λ₀')})`);
    results.push(r);
  }
  const losses = results.map((r) => r.loss);
  const j = objective.evaluate(losses);
  if (!withGradient) return { objective: j.value, losses };
  const gradient = new Float64Array(n);
  objective.probes.forEach((lambda, k) => {
    const c = j.grad[k]! * lambda;
    if (c === 0) return;
    const g = results[k]!.grad;
    if (!g) throw new Error(`mining: probe at λ=${lambda} returned no gradient`);
    for (let i = 0; i < n; i++) gradient[i]! += c * g[i]!;
  });
  return { objective: j.value, losses, gradient };
}

export async function optimizeDirection(job: OptimizeJob): Promise<MineState> {
  const { theta, constraint, objective, probe, config: cfg, state } = job;
  if (!(cfg.checkpointEvery >= 1)) throw new Error(`mining: checkpoint interval must be ≥ 1 step, got ${cfg.checkpointEvery}`);
  while (state.step < cfg.steps && !job.signal?.aborted) {
    const step = state.step + 1;
    const t0 = Date.now();
    const direction = constraint.toDirection(state.u);
    const r = await objectiveAt(theta, direction, objective, probe.batch(step));
    const g = constraint.tangentGradient(state.u, r.gradient!);
    let gg = 0;
    for (let i = 0; i < g.length; i++) gg += g[i]! * g[i]!;
    const lr = learningRate(cfg.schedule, cfg.lr, state.step, cfg.steps);
    stepInPlace(cfg.adam, state.adam, state.u, g, lr);
    constraint.projectInPlace(state.u);
    state.step = step;
    await job.onStep?.({ step, objective: r.objective, losses: r.losses, lr, gradNorm: Math.sqrt(gg), ms: Date.now() - t0 });
    if (step % cfg.checkpointEvery === 0 || step === cfg.steps) await job.onCheckpoint?.(state);
  }
  return state;
}
