// Directions on disk: safetensors with one float32 entry per parameter name (same names and shapes as the model),
// so a direction can be inspected or reused by PyTorch (`safetensors.torch.load_file`) as a state-dict-like delta.
// A states direction (loss-landscape's dir_type='states') also holds one entry per BN running statistic, after the
// parameters, and says so in its metadata (`dir_type: states`, `buffers`: their names as a JSON list), so a weights
// file is never mistaken for one and the file can be split without the model.
import { readSafetensors, writeSafetensors } from '../../ir/safetensors.js';
import type { Tensor } from '../../ir/tensor.js';
import { fromTensors, toTensors, type ParamLayout, type ParamVector } from '../params.js';
import { InputError } from '../../ir/errors.js';

/** String metadata stored in the file header (spec, model hash, creation info). */
export type DirectionMetadata = Record<string, string>;

export const STATES_META = { dir_type: 'states' } as const;

/** Written atomically (temporary file, then rename); `buffers`: the running-statistics part of a states direction. */
export function saveDirection(path: string, vector: ParamVector, meta: DirectionMetadata = {}, buffers?: ReadonlyMap<string, Tensor>): void {
  const tensors = toTensors(vector);
  for (const [name, t] of buffers ?? []) {
    if (tensors.has(name)) throw new Error(`direction ${path}: buffer '${name}' has the name of a parameter`);
    tensors.set(name, t);
  }
  const states = buffers ? { ...STATES_META, buffers: JSON.stringify([...buffers.keys()]) } : {};
  writeSafetensors(path, tensors, { format: 'terrain-direction', ...meta, ...states });
}

export interface LoadedDirection {
  vector: ParamVector;
  metadata: DirectionMetadata;
  /** The running-statistics entries of a states direction (file order), unchecked against any model. */
  buffers?: Map<string, Tensor>;
}

/** A direction file that does not fit the model: bad input (InputError, exit 2), named 'DirectionError'. */
export class DirectionFileError extends InputError {
  override name = 'DirectionError';
}

export function loadDirection(path: string, layout: ParamLayout): LoadedDirection {
  const { tensors, metadata } = readSafetensors(path);
  const states = metadata['dir_type'] === STATES_META.dir_type;
  const extra = [...tensors.keys()].filter((name) => !layout.has(name));
  if (extra.length > 0 && !states) {
    const names = extra.slice(0, 5).map((n) => `'${n}'`).join(', ') + (extra.length > 5 ? ` and ${extra.length - 5} more` : '');
    throw new DirectionFileError(`direction file ${path}: entries ${names} are not parameters of this model (was it saved for another model?)`);
  }
  for (const [name, t] of tensors) {
    if (!layout.has(name)) continue;
    const want = layout.slot(name).shape;
    // fromTensors compares sizes only; a transposed [in, out] tensor would load silently.
    if (t.dims.join() !== want.join()) throw new DirectionFileError(`direction file ${path}: parameter '${name}' has shape [${t.dims}], expected [${want}]`);
  }
  let vector: ParamVector;
  try {
    vector = fromTensors(layout, tensors, `direction file ${path}`);
  } catch (e) {
    throw new DirectionFileError((e as Error).message);
  }
  return { vector, metadata: { ...metadata }, ...(states ? { buffers: new Map(extra.map((n) => [n, tensors.get(n)!])) } : {}) };
}
