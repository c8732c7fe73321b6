// `prepare` for curve and surface: model + data + directions (with the gradient and eigen:K providers) + BN deltas
// → a LandscapeJob that runLandscape (or its queue twin) evaluates. Shells parse flags into LandscapeOptions, call
// this, run the job and print; every default a job needs is named here.
import { join } from 'node:path';
import type { Dataset } from '../data/index.js';
import { makeBatches } from '../data/index.js';
import { BN_PERTURB, resolveDirections, saveDirection, type DirectionContext } from '../directions/index.js';
import { selectParams } from '../directions/param-subset.js';
import { orthogonalize } from '../directions/plane.js';
import type { LabeledBatch } from '../evaluate/point.js';
import type { SessionMode } from '../evaluate/sessions.js';
import type { AdaptiveOptions, Tolerance } from '../landscape/adaptive.js';
import { bufferDelta, type BnMode } from '../landscape/bn.js';
import type { DataSelection, LandscapeJob } from '../landscape/job.js';
import type { LossChoice } from '../loss/choice.js';
import { loadModelFile, type LoadedModel } from '../model-file.js';
import type { Range } from '../runs/grid.js';
import { InputError, option, worded, type Worded } from '../../ir/errors.js';
import { directionContext, eigenvectorProvider, gradientProvider } from './providers.js';
import { customLoss } from './tolerance.js';

/** --tolerance: samples every point sees before its error is judged (rounded up to whole batches). */
export const DEFAULT_MIN_SAMPLES = 256;
/** --tolerance: seed of the permutation of the split shared by every point. */
export const DEFAULT_SAMPLE_SEED = 0;
/** --bn recompute: training batches that re-estimate the statistics at each point. */
export const DEFAULT_BN_BATCHES = 10;

/** A combination of options a landscape job does not support (yet); the message names both and what to drop. */
export class LandscapeOptionsError extends InputError {
  override name = 'LandscapeOptionsError';
}

/** The data of a job, read for its model: the evaluated batches, the training split (for --bn recompute), the loss. */
export interface LandscapeData {
  train: Dataset;
  batches: LabeledBatch[];
  selection: DataSelection;
  /** The loss checked against the model's output and labels (absent: cross-entropy). */
  loss?: LossChoice;
}

export interface LandscapeOptions {
  kind: 'curve' | 'surface';
  model: string;
  weights?: string;
  /** Reads, checks and batches the data for the loaded model (the shell's data options live there). */
  data: (m: LoadedModel) => LandscapeData;
  /** One direction spec for a curve, two (x, y) for a surface. */
  specs: readonly string[];
  /** Make y orthogonal to x (Gram–Schmidt, keeping its norm). */
  orthogonalize?: boolean;
  ranges: readonly Range[];
  outDir: string;
  bn: BnMode;
  bnBatches?: number;
  batch: number;
  threads: number;
  workers?: number;
  session: SessionMode | 'auto';
  adaptive?: AdaptiveOptions;
  refine?: Tolerance;
  /** A `terrain hessian` output directory holding eigen-K.safetensors (absent: eigen:K computed here). */
  hessianDir?: string;
  /** Regular expression of the parameter tensors the directions move. */
  params?: string;
  /** The grid goes to queue workers (which evaluate cross-entropy only). */
  queued?: boolean;
  /** Hears progress lines worth a user's attention (the eigen:K computation starting). */
  notice?: (line: Worded) => void;
}

/** The adaptive options of a --tolerance, the unset ones at their defaults. */
export function adaptiveDefaults(tolerance: Tolerance, minSamples?: number, seed?: number): AdaptiveOptions {
  return { tolerance, minSamples: minSamples ?? DEFAULT_MIN_SAMPLES, seed: seed ?? DEFAULT_SAMPLE_SEED };
}

export type PreparedLandscape = Omit<LandscapeJob, 'info' | 'onProgress' | 'signal'>;

export async function prepareLandscape(o: LandscapeOptions): Promise<PreparedLandscape> {
  const m = loadModelFile(o.model, { weights: o.weights });
  const data = o.data(m);
  // Cross-entropy keeps the logits path (bit-identical runs); another loss rides along in the job.
  if (data.loss && data.loss.name !== 'cross-entropy' && o.queued) throw new LandscapeOptionsError(worded`${option('loss', data.loss.name)} does not work with ${option('queue')} yet (queue workers evaluate cross-entropy); drop one of them`);
  const loss = customLoss(data.loss, o.adaptive, LandscapeOptionsError);
  const ctx: DirectionContext = {
    ...directionContext(m, gradientProvider(m, data.batches, o.threads, loss), eigenvectorProvider(m, data.batches, o.hessianDir, o.threads, loss, o.notice)),
    buffers: m.buffers, loadBuffers: async (path) => loadModelFile(path).buffers,
    params: o.params === undefined ? undefined : selectParams(m.theta.layout, o.params),
  };
  const dirs = await resolveDirections([...o.specs], ctx);
  if (o.orthogonalize && dirs.length === 2) dirs[1] = { ...dirs[1]!, vector: orthogonalize(dirs[0]!.vector, dirs[1]!.vector), spec: `${dirs[1]!.spec} (orthogonalized to x)` };
  const bufferDeltas = o.specs.map((_, k) => {
    const d = dirs[k]!;
    if (d.buffers && o.bn !== 'perturb') throw new LandscapeOptionsError(worded`direction '${d.spec}' is a states direction (it moves the BN running statistics); add ${BN_PERTURB}, or drop ':type=states'`);
    if (d.buffers) return d.buffers;
    if (o.bn !== 'perturb' || d.info.kind !== 'to' || !d.info.path) return undefined;
    return bufferDelta(m.buffers, loadModelFile(d.info.path).buffers);
  });
  const recomputeBatches = o.bn === 'recompute' ? makeBatches(data.train, o.batch).slice(0, o.bnBatches ?? DEFAULT_BN_BATCHES) : undefined;
  return {
    kind: o.kind, model: m, data: data.selection, batches: data.batches, batchSize: o.batch, directions: dirs,
    bufferDeltas, bn: o.bn, recomputeBatches, ranges: o.ranges, outDir: o.outDir,
    threads: o.threads, workers: o.workers, session: o.session, adaptive: o.adaptive, ...(o.refine ? { refine: o.refine } : {}), ...(loss ? { loss } : {}),
  };
}

/** The file of each direction of a finished run: direction.safetensors (curve), direction-x/-y (surface). */
export function directionFile(kind: 'curve' | 'surface', k: number): string {
  return `${kind === 'curve' ? 'direction' : ['direction-x', 'direction-y'][k]}.safetensors`;
}

/**
 * A states direction's file also holds its buffer part, so that file:…:type=states and export --format ll-directions
 * reuse it; written into the run's directory once the run is done.
 */
export function saveStatesDirections(job: Pick<LandscapeJob, 'kind' | 'directions'>, runDir: string): void {
  job.directions.forEach((d, k) => d.buffers && saveDirection(join(runDir, directionFile(job.kind, k)), d.vector, { spec: d.spec }, d.buffers));
}
