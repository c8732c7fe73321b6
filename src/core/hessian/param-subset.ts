// Which coordinates of the parameter vector a per-layer analysis covers: the tensors whose names match a pattern.
import type { ParamLayout } from '../params.js';

export interface ParamSubset {
  /** Matching tensor names, in layout order. */
  names: string[];
  /** Their coordinates in the full vector, ascending. */
  indices: Int32Array;
  /** The pattern as given ('' when every parameter is included). */
  pattern: string;
}

/** Every parameter when `pattern` is absent or empty; otherwise the tensors whose names match it (RegExp.test). */
export function paramSubset(layout: ParamLayout, pattern?: string | RegExp): ParamSubset {
  const text = pattern === undefined ? '' : typeof pattern === 'string' ? pattern : pattern.source;
  let re: RegExp | undefined;
  if (typeof pattern === 'string' && pattern !== '') {
    try {
      re = new RegExp(pattern);
    } catch (e) {
      throw new Error(`parameter pattern '${pattern}' is not a valid regular expression: ${(e as Error).message}`);
    }
  } else if (pattern instanceof RegExp) re = pattern;
  const slots = re ? layout.slots.filter((s) => re!.test(s.name)) : layout.slots;
  if (slots.length === 0) {
    const some = layout.slots.slice(0, 6).map((s) => s.name).join(', ');
    throw new Error(`parameter pattern '${text}' matches no parameter; the model has ${layout.slots.length} tensors (${some}${layout.slots.length > 6 ? ', …' : ''})`);
  }
  const indices = new Int32Array(slots.reduce((n, s) => n + s.size, 0));
  let k = 0;
  for (const s of slots) for (let i = 0; i < s.size; i++) indices[k++] = s.offset + i;
  return { names: slots.map((s) => s.name), indices, pattern: text };
}
