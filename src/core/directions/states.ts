// States directions (loss-landscape's dir_type='states'): a direction over the whole state_dict, BN running
// statistics included. terrain keeps θ (the trainable parameters) and the buffers apart, so a states direction is a
// ParamVector over θ plus a second, same-shaped delta for the buffers; landscape runs apply that delta with
// `--bn perturb` (src/core/landscape/bn.ts: statistics at a point = θ's + Σ cₖ·deltaₖ, variances clamped at 0).
// The buffer part is rescaled by the same rules as θ (normalize.ts); BN statistics are 1-D, so `bias-bn` governs
// them, as LL's `d.dim() <= 1` branch does.
import type { Tensor } from '../../ir/tensor.js';
import { ParamLayout, type ParamVector } from '../params.js';
import { createRng, normalArray } from '../rng.js';
import { InputError, option } from '../../ir/errors.js';

/** The float32 buffers as a layout (PyTorch names, file order). */
/** Bad input for a states direction (InputError, exit 2), named 'DirectionError' like the other direction problems. */
export class StatesDirectionError extends InputError {
  override name = 'DirectionError';
}

/** The BN mode that applies a states direction to the running statistics (the CLI: `--bn perturb`). */
export const BN_PERTURB = option('bn', 'perturb', "BN mode 'perturb'");

export function bufferLayout(buffers: ReadonlyMap<string, Tensor>): ParamLayout {
  const entries: { name: string; shape: number[] }[] = [];
  for (const [name, t] of buffers) {
    if (t.dtype !== 'float32') throw new StatesDirectionError(`buffer '${name}' is ${t.dtype}; a states direction moves float32 running statistics only`);
    entries.push({ name, shape: t.dims });
  }
  return new ParamLayout(entries);
}

/** Buffers (or a buffer delta) as one vector in `layout`; `what` names the source in errors. */
export function buffersVector(layout: ParamLayout, buffers: ReadonlyMap<string, Tensor>, what: string): ParamVector {
  const data = new Float32Array(layout.size);
  for (const s of layout.slots) {
    const t = buffers.get(s.name);
    if (!t) throw new StatesDirectionError(`${what}: no entry for the model's buffer '${s.name}' [${s.shape}]`);
    if (t.dims.join() !== s.shape.join()) throw new StatesDirectionError(`${what}: buffer '${s.name}' has shape [${t.dims}], the model's is [${s.shape}]`);
    data.set(Float32Array.from(t.data as ArrayLike<number>), s.offset);
  }
  const extra = [...buffers.keys()].filter((n) => !layout.has(n));
  if (extra.length) throw new StatesDirectionError(`${what}: '${extra[0]}' is not a buffer of this model (its buffers: ${layout.slots.map((s) => s.name).join(', ') || 'none'})`);
  return { layout, data };
}

export function vectorToBuffers(v: ParamVector): Map<string, Tensor> {
  return new Map(v.layout.slots.map((s) => [s.name, { dtype: 'float32', dims: s.shape, data: v.data.slice(s.offset, s.offset + s.size) } as Tensor]));
}

/**
 * Raw Gaussian noise of a states direction: one stream from createRng(seed) over θ then the buffers, so the θ part
 * is exactly the weights direction of the same seed and only the buffers are new.
 */
export function gaussianBufferNoise(paramSize: number, layout: ParamLayout, seed: number): ParamVector {
  return { layout, data: normalArray(createRng(seed), paramSize + layout.size).slice(paramSize) };
}

export interface StateEntry {
  name: string;
  buffer: boolean;
}

const moduleOf = (name: string): string => name.slice(0, Math.max(0, name.lastIndexOf('.')));

/**
 * PyTorch's state_dict order from the parameter order (model.parameters()) and buffer names: a module's own
 * parameters, then its own buffers, module by module. Buffers of a module without parameters come last.
 */
export function stateDictOrder(params: readonly string[], buffers: readonly string[]): StateEntry[] {
  const pending = new Map<string, string[]>();
  for (const b of buffers) pending.set(moduleOf(b), [...(pending.get(moduleOf(b)) ?? []), b]);
  const out: StateEntry[] = [];
  const flush = (module: string): void => {
    for (const b of pending.get(module) ?? []) out.push({ name: b, buffer: true });
    pending.delete(module);
  };
  params.forEach((p, i) => {
    out.push({ name: p, buffer: false });
    const next = params[i + 1];
    if (next === undefined || moduleOf(next) !== moduleOf(p)) flush(moduleOf(p));
  });
  for (const module of [...pending.keys()]) flush(module);
  return out;
}
