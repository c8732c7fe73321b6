// The model-backed probe: one gradient-graph session (parameters as graph inputs, BN with its running statistics)
// serves every point θ + λε; minibatches come from a seeded per-epoch shuffle of the mining data, so the batch of a
// step is a pure function of (seed, step) and a resumed run sees exactly the batches it would have seen.
import type { Model } from '../../ir/model.js';
import { INPUT } from '../../ir/model.js';
import { LABELS } from '../../ir/loss.js';
import type { Tensor } from '../../ir/tensor.js';
import { buildGradientGraph, type GradientGraph } from '../../ir/training-graph.js';
import { Session } from '../../engine/session.js';
import { makeBatches, sampleSize, selectSamples, type Dataset } from '../data/index.js';
import type { LossChoice } from '../loss/choice.js';
import { lossFeeds } from '../loss/evaluate.js';
import { type ParamLayout } from '../params.js';
import { withInitializers } from '../../ir/graph.js';
import { InputError, option, worded } from '../../ir/errors.js';
import { createRng, permutation } from '../rng.js';
import type { BatchProbe, Probe } from './optimize.js';

export interface ModelProbeOptions {
  batchSize: number;
  threads?: number;
  /** --loss other than cross-entropy (labels or float targets are fed as the loss graph takes them). */
  loss?: LossChoice;
}

/** Mining data smaller than one minibatch: bad input (exit 2). */
export class MiningBatchError extends InputError {}

/** One session for all restarts; `seeded(seed)` gives each restart its own minibatch order. */
export class ModelProbe {
  private cache: { seed: number; epoch: number; order: Uint32Array } | undefined;

  private constructor(
    private readonly session: Session,
    private readonly gg: GradientGraph,
    private readonly layout: ParamLayout,
    private readonly data: Dataset,
    private readonly options: ModelProbeOptions,
  ) {}

  /** `model` with `buffers` (BN running statistics, baked into the graph and used as in eval mode) and the mining data. */
  static async create(model: Model, layout: ParamLayout, buffers: ReadonlyMap<string, Tensor>, data: Dataset, options: ModelProbeOptions): Promise<ModelProbe> {
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new Error(`mining: batch size must be a positive integer, got ${options.batchSize}`);
    if (data.count < options.batchSize) throw new MiningBatchError(worded`mining: the mining data has ${data.count} samples, fewer than one batch of ${options.batchSize}; lower ${option('mine-batch')}`);
    const withBuffers = { ...model, graph: withInitializers(model.graph, buffers) };
    const gg = buildGradientGraph(withBuffers, { loss: options.loss?.options ?? 'softmax-ce', bn: 'eval', weights: 'inputs' });
    const session = await Session.create(gg.graph, { threads: options.threads ?? 0 });
    return new ModelProbe(session, gg, layout, data, options);
  }

  /** Full batches only, so every step's losses are means over the same number of samples. */
  get batchesPerEpoch(): number {
    return Math.floor(this.data.count / this.options.batchSize);
  }

  /** The probe of one restart: minibatches in a per-epoch order seeded by (seed, epoch). */
  seeded(seed: number): Probe {
    return { batch: (step) => this.batch(seed, step) };
  }

  private batch(seed: number, step: number): BatchProbe {
    if (!Number.isInteger(step) || step < 1) throw new Error(`mining: step ${step} is not a positive integer`);
    const per = this.batchesPerEpoch;
    const epoch = Math.floor((step - 1) / per), j = (step - 1) % per;
    if (this.cache?.seed !== seed || this.cache.epoch !== epoch) {
      this.cache = { seed, epoch, order: permutation(createRng((seed * 1_000_003 + epoch * 7 + 11) >>> 0), this.data.count) };
    }
    const indices = this.cache.order.subarray(j * this.options.batchSize, (j + 1) * this.options.batchSize);
    const choice = this.options.loss;
    // Another loss: the batch through the data layer (label sequences, float targets), fed as its graph takes them.
    const labelled = choice ? makeBatches(selectSamples(this.data, indices), indices.length)[0]! : undefined;
    const { x, y } = labelled ?? this.gather(indices);
    return async (point, withGradient) => {
      const feeds: Record<string, Tensor> = { [INPUT]: x, ...(choice ? lossFeeds(labelled!, choice) : { [LABELS]: y }) };
      for (const s of this.layout.slots) feeds[s.name] = { dtype: 'float32', dims: s.shape, data: point.subarray(s.offset, s.offset + s.size) };
      const fetch = withGradient ? [this.gg.lossName, ...this.layout.slots.map((s) => this.gg.gradOf.get(s.name)!)] : [this.gg.lossName];
      const out = await this.session.run(feeds, fetch);
      const loss = Number(out[this.gg.lossName]!.data[0]);
      if (!withGradient) return { loss };
      const grad = new Float32Array(this.layout.size);
      for (const s of this.layout.slots) grad.set(out[this.gg.gradOf.get(s.name)!]!.data as Float32Array, s.offset);
      return { loss, grad };
    };
  }

  async dispose(): Promise<void> {
    await this.session.dispose();
  }

  private gather(indices: Uint32Array): { x: Tensor; y: Tensor } {
    const ds = this.data, per = sampleSize(ds.shape), n = indices.length;
    const x = new Float32Array(n * per);
    const y = new BigInt64Array(n);
    indices.forEach((i, k) => {
      x.set(ds.x.subarray(i * per, (i + 1) * per), k * per);
      y[k] = BigInt(ds.y[i]!);
    });
    return { x: { dtype: 'float32', dims: [n, ...ds.shape], data: x }, y: { dtype: 'int64', dims: [n], data: y } };
  }
}
