// LL direction lists ↔ terrain directions. An LL list has no names: its i-th tensor is the i-th of
// model.parameters() (dir_type='weights') or of state_dict() (dir_type='states', BN running statistics and
// num_batches_tracked included), so tensors are matched to the model by order and shape, and the first mismatch
// is named. terrain keeps no num_batches_tracked (it never changes an eval-mode output): LL's 0-D entries are
// skipped on import and written as 0 on export (LL's set_states zips the list with the whole state_dict).
import type { Tensor } from '../../ir/tensor.js';
import { type ParamLayout, type ParamVector } from '../params.js';
import { stateDictOrder, type StateEntry } from '../directions/states.js';
import type { LlTensor } from './ll-h5.js';
import { InputError, option, worded } from '../../ir/errors.js';

export type LlDirType = 'weights' | 'states';

export class LlMappingError extends InputError {
  override name = 'LlMappingError';
}

export interface MappedDirection {
  vector: ParamVector;
  /** The running-statistics part of a states direction. */
  buffers?: Map<string, Tensor>;
  dirType: LlDirType;
  /** LL entries left out: the 0-D num_batches_tracked of each BatchNorm in a states list. */
  skipped: number[];
}

const shapeText = (s: readonly number[]): string => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;

/** The float32 buffers in the order state_dict() interleaves them with the parameters. */
function statesOrder(layout: ParamLayout, buffers: ReadonlyMap<string, Tensor>): StateEntry[] {
  const names = [...buffers].filter(([, t]) => t.dtype === 'float32').map(([n]) => n);
  return stateDictOrder(layout.slots.map((s) => s.name), names);
}

function mapWeights(list: readonly LlTensor[], layout: ParamLayout, what: string): MappedDirection {
  const data = new Float32Array(layout.size);
  for (let i = 0; i < Math.max(list.length, layout.slots.length); i++) {
    const t = list[i], s = layout.slots[i];
    if (!t) throw new LlMappingError(`${what} has ${list.length} tensors, the model has ${layout.slots.length} parameters (first without a tensor: ${i} '${s!.name}' [${s!.shape}])`);
    if (!s) throw new LlMappingError(`${what} has ${list.length} tensors, the model has only ${layout.slots.length} parameters (tensor ${i} ${shapeText(t.shape)} has no parameter)`);
    if (t.shape.join() !== s.shape.join()) throw new LlMappingError(`${what}/${i} has shape ${shapeText(t.shape)}, the model's parameter ${i} '${s.name}' is [${s.shape}]`);
    data.set(t.data, s.offset);
  }
  return { vector: { layout, data }, dirType: 'weights', skipped: [] };
}

function mapStates(list: readonly LlTensor[], layout: ParamLayout, buffers: ReadonlyMap<string, Tensor>, what: string): MappedDirection {
  const order = statesOrder(layout, buffers);
  const data = new Float32Array(layout.size);
  const out = new Map<string, Tensor>();
  const skipped: number[] = [];
  let k = 0;
  list.forEach((t, i) => {
    const e = order[k];
    const want = e ? (e.buffer ? buffers.get(e.name)!.dims : layout.slot(e.name).shape) : undefined;
    if (want && t.shape.join() === want.join() && !(t.shape.length === 0 && want.length !== 0)) {
      if (e!.buffer) out.set(e!.name, { dtype: 'float32', dims: [...want], data: Float32Array.from(t.data) });
      else data.set(t.data, layout.slot(e!.name).offset);
      k++;
    } else if (t.shape.length === 0) {
      skipped.push(i); // num_batches_tracked
    } else {
      throw new LlMappingError(e
        ? `${what}/${i} has shape ${shapeText(t.shape)}, the model's state_dict entry ${k} '${e.name}' is [${want}]`
        : `${what}/${i} ${shapeText(t.shape)} is beyond the model's ${order.length} state_dict entries`);
    }
  });
  if (k < order.length) throw new LlMappingError(`${what} ends after ${list.length} tensors; the model's state_dict entry ${k} '${order[k]!.name}' has none`);
  return { vector: { layout, data }, buffers: out, dirType: 'states', skipped };
}

/**
 * One LL direction list onto the model. `dirType` 'auto' takes weights when the list has exactly one tensor per
 * parameter, states otherwise; `what` names the list in errors (e.g. "dir.h5 xdirection").
 */
export function mapLlDirection(list: readonly LlTensor[], layout: ParamLayout, buffers: ReadonlyMap<string, Tensor>, dirType: LlDirType | 'auto', what: string): MappedDirection {
  const type = dirType !== 'auto' ? dirType : list.length === layout.slots.length ? 'weights' : 'states';
  try {
    return type === 'weights' ? mapWeights(list, layout, what) : mapStates(list, layout, buffers, what);
  } catch (e) {
    if (!(e instanceof LlMappingError)) throw e;
    const order = type === 'weights' ? 'model.parameters() order (dir_type=weights)' : 'state_dict() order (dir_type=states)';
    const hint = dirType === 'auto' ? worded`; read as ${order} because it has ${list.length} tensors for ${layout.slots.length} parameters — pass ${option('dir-type')} to choose, or check that ${option('model')} (and ${option('weights')}) is the network LL used` : worded`; check that ${option('model')} (and ${option('weights')}) is the network LL used`;
    throw new LlMappingError(worded`${e}${hint}`);
  }
}

/** A terrain direction as LL's list: parameters in order, or, with buffers, state_dict order with num_batches_tracked = 0. */
export function llDirectionList(vector: ParamVector, buffers?: ReadonlyMap<string, Tensor>, numBatchesTracked = true): LlTensor[] {
  const param = (name: string): LlTensor => {
    const s = vector.layout.slot(name);
    return { shape: s.shape, data: Float64Array.from(vector.data.subarray(s.offset, s.offset + s.size)), dtype: '<f' };
  };
  if (!buffers) return vector.layout.slots.map((s) => param(s.name));
  const out: LlTensor[] = [];
  for (const e of stateDictOrder(vector.layout.slots.map((s) => s.name), [...buffers.keys()])) {
    if (!e.buffer) { out.push(param(e.name)); continue; }
    const t = buffers.get(e.name)!;
    out.push({ shape: t.dims, data: Float64Array.from(t.data as Float32Array), dtype: '<f' });
    if (numBatchesTracked && e.name.endsWith('.running_var')) out.push({ shape: [], data: Float64Array.of(0), dtype: '<f' });
  }
  return out;
}
