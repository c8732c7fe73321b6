// Mining checkpoints: ε's optimiser coordinates and Adam's moments in one safetensors file (written atomically, so a
// kill -9 leaves either the previous checkpoint or the new one), and the objective history as append-only JSON lines.
import { existsSync, readFileSync, appendFileSync } from 'node:fs';
import { worded } from '../../ir/errors.js';
import { readSafetensors, writeFileAtomic, writeSafetensors } from '../../ir/safetensors.js';
import type { Tensor } from '../../ir/tensor.js';
import { OUT_OPTION, RunMismatchError } from '../runs/run-dir-errors.js';
import type { HistoryEntry, MineState } from './optimize.js';

const FORMAT = 'terrain-mining-state';

export function saveState(path: string, state: MineState, meta: Record<string, string> = {}): void {
  const n = state.u.length;
  const vec = (data: Float32Array): Tensor => ({ dtype: 'float32', dims: [n], data });
  const tensors: Record<string, Tensor> = { u: vec(state.u) };
  if (state.adam.m) tensors['adam.m'] = vec(state.adam.m);
  if (state.adam.v) tensors['adam.v'] = vec(state.adam.v);
  writeSafetensors(path, tensors, { ...meta, format: FORMAT, step: String(state.step), adamStep: String(state.adam.step) });
}

/** The saved state, or undefined when there is no checkpoint yet. */
export function loadState(path: string, size: number): MineState | undefined {
  if (!existsSync(path)) return undefined;
  const { tensors, metadata } = readSafetensors(path);
  if (metadata['format'] !== FORMAT) throw new RunMismatchError(worded`${path}: not a terrain mining checkpoint (format '${metadata['format']}'); use another ${OUT_OPTION} directory`);
  const get = (name: string, required: boolean): Float32Array | undefined => {
    const t = tensors.get(name);
    if (!t) {
      if (required) throw new Error(`${path}: missing tensor '${name}'`);
      return undefined;
    }
    if (t.dtype !== 'float32' || t.dims.length !== 1 || t.dims[0] !== size) {
      throw new Error(`${path}: tensor '${name}' is ${t.dtype} [${t.dims}], expected float32 [${size}] (a checkpoint of another model?)`);
    }
    return Float32Array.from(t.data as Float32Array);
  };
  const step = Number(metadata['step']), adamStep = Number(metadata['adamStep']);
  if (!Number.isInteger(step) || step < 0 || !Number.isInteger(adamStep)) throw new Error(`${path}: bad step metadata '${metadata['step']}'`);
  const m = get('adam.m', false), v = get('adam.v', false);
  return { step, u: get('u', true)!, adam: { step: adamStep, ...(m ? { m } : {}), ...(v ? { v } : {}) } };
}

export function appendHistory(path: string, entry: HistoryEntry): void {
  appendFileSync(path, JSON.stringify(entry) + '\n');
}

/** History entries up to `step`, one per step; later ones (computed after the last checkpoint) are dropped. */
export function readHistory(path: string, upToStep = Infinity): HistoryEntry[] {
  if (!existsSync(path)) return [];
  const byStep = new Map<number, HistoryEntry>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as HistoryEntry;
      if (typeof e.step === 'number' && e.step <= upToStep && !byStep.has(e.step)) byStep.set(e.step, e);
    } catch {
      // a torn last line from a kill: that step is recomputed
    }
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/** Rewrites the history to exactly `entries` (used on resume to forget steps after the checkpoint). */
export function rewriteHistory(path: string, entries: readonly HistoryEntry[]): void {
  writeFileAtomic(path, new TextEncoder().encode(entries.map((e) => JSON.stringify(e) + '\n').join('')));
}
