// Directions on disk: safetensors with one float32 entry per parameter name (same names and shapes as the model),
// so a direction can be inspected or reused by PyTorch (`safetensors.torch.load_file`) as a state-dict-like delta.
import { readSafetensors, writeSafetensors } from '../../ir/safetensors.js';
import { fromTensors, toTensors, type ParamLayout, type ParamVector } from '../params.js';

/** String metadata stored in the file header (spec, model hash, creation info). */
export type DirectionMetadata = Record<string, string>;

/** Written atomically (temporary file, then rename). */
export function saveDirection(path: string, vector: ParamVector, meta: DirectionMetadata = {}): void {
  writeSafetensors(path, toTensors(vector), { format: 'terrain-direction', ...meta });
}

export function loadDirection(path: string, layout: ParamLayout): { vector: ParamVector; metadata: DirectionMetadata } {
  const { tensors, metadata } = readSafetensors(path);
  const extra = [...tensors.keys()].filter((name) => !layout.has(name));
  if (extra.length > 0) {
    const names = extra.slice(0, 5).map((n) => `'${n}'`).join(', ') + (extra.length > 5 ? ` and ${extra.length - 5} more` : '');
    throw new Error(`direction file ${path}: entries ${names} are not parameters of this model (was it saved for another model?)`);
  }
  for (const [name, t] of tensors) {
    const want = layout.slot(name).shape;
    // fromTensors compares sizes only; a transposed [in, out] tensor would load silently.
    if (t.dims.join() !== want.join()) throw new Error(`direction file ${path}: parameter '${name}' has shape [${t.dims}], expected [${want}]`);
  }
  return { vector: fromTensors(layout, tensors, `direction file ${path}`), metadata: { ...metadata } };
}
