// A connect run's training state on disk: state.safetensors (bends as [k, P], the optimizer's moments, epoch and
// history in its metadata) written atomically after every epoch, so that a resumed run continues bit for bit; and
// the bends as checkpoints, bend-1.safetensors …, each a model of its own (the first end point with the bend's weights).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { checkpointOf, saveCheckpoint } from '../../ir/checkpoint.js';
import type { Model } from '../../ir/model.js';
import { readSafetensors, writeSafetensors } from '../../ir/safetensors.js';
import type { Tensor } from '../../ir/tensor.js';
import { type ParamVector } from '../params.js';
import { withInitializers } from '../../ir/graph.js';
import { worded } from '../../ir/errors.js';
import { OUT_OPTION } from '../runs/run-dir-errors.js';
import { ConnectError } from './errors.js';
import { bendViews, type CurveState } from './train.js';

export const STATE_FILE = 'state.safetensors';
const STATE_KEY = 'terrain.connect.state';

export const bendFile = (j: number): string => `bend-${j}.safetensors`;

export function saveState(dir: string, s: CurveState, bends: number): void {
  const p = s.bendData.length / bends;
  const tensors: Record<string, Tensor> = { bends: { dtype: 'float32', dims: [bends, p], data: s.bendData } };
  if (s.optimizer.m) tensors['m'] = { dtype: 'float32', dims: [s.optimizer.m.length], data: s.optimizer.m };
  if (s.optimizer.v) tensors['v'] = { dtype: 'float32', dims: [s.optimizer.v.length], data: s.optimizer.v };
  writeSafetensors(join(dir, STATE_FILE), tensors, { [STATE_KEY]: JSON.stringify({ epoch: s.epoch, step: s.optimizer.step, history: s.history }) });
}

/** The saved state, or undefined when the run has not finished an epoch yet. */
export function loadState(dir: string, bends: number, params: number): CurveState | undefined {
  const path = join(dir, STATE_FILE);
  if (!existsSync(path)) return undefined;
  const { tensors, metadata } = readSafetensors(path);
  const b = tensors.get('bends');
  if (!b || b.dims.join() !== [bends, params].join()) throw new ConnectError(worded`${path}: holds bends [${b?.dims}], the run needs [${bends}, ${params}]; use another ${OUT_OPTION} directory`);
  let meta: { epoch: number; step: number; history: CurveState['history'] };
  try {
    meta = JSON.parse(metadata[STATE_KEY] ?? '') as typeof meta;
  } catch {
    throw new ConnectError(`${path}: no readable '${STATE_KEY}' metadata; remove the file to restart training`);
  }
  const vec = (name: string) => tensors.get(name)?.data as Float32Array | undefined;
  const m = vec('m'), v = vec('v');
  return {
    epoch: meta.epoch, bendData: Float32Array.from(b.data as Float32Array), history: meta.history,
    optimizer: { step: meta.step, ...(m ? { m: Float32Array.from(m) } : {}), ...(v ? { v: Float32Array.from(v) } : {}) },
  };
}

/** Writes bend-1.safetensors …: checkpoints of `model` (the first end point) with each bend's parameters. */
export function saveBends(dir: string, model: Model, a: ParamVector, s: CurveState, meta: Record<string, unknown>): string[] {
  return bendViews(a, s.bendData).map((bend, k) => {
    const path = join(dir, bendFile(k + 1));
    const graph = withInitializers(model.graph, new Map([...a.layout.slots].map((slot) => [slot.name, { dtype: 'float32' as const, dims: slot.shape, data: bend.data.slice(slot.offset, slot.offset + slot.size) }])));
    saveCheckpoint(path, checkpointOf({ ...model, graph }, { ...meta, bend: k + 1, epoch: s.epoch }));
    return path;
  });
}

export const BN_STATS_FILE = 'bn-stats.safetensors';

/** Key of the statistics re-estimated at curve point t: 't=0.3000/<buffer name>'. */
export const statsKey = (t: number, buffer: string): string => `t=${t.toFixed(4)}/${buffer}`;

export function readBnStats(dir: string): Map<string, Tensor> {
  const path = join(dir, BN_STATS_FILE);
  return existsSync(path) ? readSafetensors(path).tensors : new Map();
}

export function writeBnStats(dir: string, stats: ReadonlyMap<string, Tensor>): void {
  writeSafetensors(join(dir, BN_STATS_FILE), new Map(stats), { format: 'terrain-bn-stats' });
}
