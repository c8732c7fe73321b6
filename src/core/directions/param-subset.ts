// Per-layer landscapes: a direction that moves only the parameter tensors whose names match a pattern (option params).
// The rest of the direction is exactly 0, and the normalisation (filter/layer/norm) is computed inside the subset:
// the raw vector and θ are both zeroed outside it before normalizeDirection, so 'norm' uses ‖θ_S‖/‖ε_S‖ and every
// tensor outside S gets a 0/0 ratio, which normalizeDirection already maps to 0 (no hidden epsilon).
import { InputError, option, worded, type OptionMention } from '../../ir/errors.js';
import type { ParamLayout, ParamVector } from '../params.js';
import { normalizeDirection } from './normalize.js';
import type { Scaling } from './spec.js';

/** A parameter pattern that is invalid or matches no tensor: bad input (exit 2). */
export class ParamsPatternError extends InputError {
  override name = 'ParamsPatternError';
}

export interface ParamSelection {
  /** The pattern as given. */
  pattern: string;
  /** Matching tensor names, in layout order. */
  names: string[];
  /** Entries covered (Σ of the matching tensors' sizes). */
  size: number;
  /** Per layout slot: 1 when the tensor is in the subset. */
  mask: Uint8Array;
}

/** Names listed in an error before eliding the rest (a ResNet-56 has ~170 tensors). */
const NAMES_SHOWN = 80;

/**
 * The tensors whose names match `pattern` (RegExp.test); a pattern matching none is an error. Errors name the pattern
 * as option `name` gave it.
 */
export function selectParams(layout: ParamLayout, pattern: string, name = 'params'): ParamSelection {
  const given: OptionMention = option(name, `'${pattern}'`);
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch (e) {
    throw new ParamsPatternError(worded`${given} is not a valid regular expression: ${(e as Error).message}`);
  }
  const mask = Uint8Array.from(layout.slots, (s) => (re.test(s.name) ? 1 : 0));
  const names = layout.slots.filter((_, i) => mask[i]).map((s) => s.name);
  if (names.length === 0) {
    const all = layout.slots.map((s) => s.name);
    const shown = all.slice(0, NAMES_SHOWN).join(', ') + (all.length > NAMES_SHOWN ? `, … (${all.length - NAMES_SHOWN} more)` : '');
    throw new ParamsPatternError(worded`${given} matches no parameter tensor; the model's ${all.length} tensors are: ${shown}`);
  }
  const size = layout.slots.reduce((n, s, i) => n + (mask[i] ? s.size : 0), 0);
  return { pattern, names, size, mask };
}

/** A copy of `v` with every tensor outside the selection set to 0. */
export function restrictToParams(v: ParamVector, sel: ParamSelection): ParamVector {
  if (sel.mask.length !== v.layout.slots.length) throw new Error(`parameter selection covers ${sel.mask.length} tensors, the vector has ${v.layout.slots.length}`);
  const data = new Float32Array(v.data.length);
  v.layout.slots.forEach((s, i) => {
    if (sel.mask[i]) data.set(v.data.subarray(s.offset, s.offset + s.size), s.offset);
  });
  return { layout: v.layout, data };
}

/** normalizeDirection inside the subset: zero outside it, and the norms (also 'norm's global one) taken over it. */
export function normalizeInSubset(raw: ParamVector, theta: ParamVector, scaling: Scaling, sel: ParamSelection): ParamVector {
  return restrictToParams(normalizeDirection(restrictToParams(raw, sel), restrictToParams(theta, sel), scaling), sel);
}

/** Tensor names grouped into blocks by their first `depth` dot-separated parts ('layer1.0.conv1.weight', depth 2 → 'layer1.0'). */
export function groupByPrefix(layout: ParamLayout, depth: number): { block: string; names: string[] }[] {
  if (!Number.isInteger(depth) || depth < 1) throw new ParamsPatternError(worded`${option('group-depth', depth)} must be an integer ≥ 1`);
  const blocks = new Map<string, string[]>();
  for (const s of layout.slots) {
    const parts = s.name.split('.');
    // The last part names the tensor within its layer (weight, bias): a block is never narrower than a layer.
    const block = parts.slice(0, Math.max(1, Math.min(depth, parts.length - 1))).join('.');
    const list = blocks.get(block) ?? [];
    list.push(s.name);
    blocks.set(block, list);
  }
  return [...blocks].map(([block, names]) => ({ block, names }));
}

/** A pattern matching exactly the given names (escaped, anchored): a block as a parameter pattern. */
export function patternFor(names: readonly string[]): string {
  return `^(?:${names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`;
}
