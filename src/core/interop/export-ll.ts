// A terrain run's directions as LL's direction file (xdirection, ydirection), so that LL's plot_surface.py
// (--dir_file) computes the same surface and its plotting scripts read it. Without the model at hand the parameter
// order is the direction file's own (terrain writes tensors in the model's parameter order, which for PyTorch
// exports and the zoo is model.parameters()); the running statistics of a states direction are interleaved in
// state_dict order.
import { join } from 'node:path';
import { readSafetensors } from '../../ir/safetensors.js';
import type { Tensor } from '../../ir/tensor.js';
import { ParamLayout, type ParamVector } from '../params.js';
import { RUN_FILE } from '../runs/run-dir.js';
import { readRunConfigIfPresent } from '../runs/results.js';
import { writeLlDirections, LlFormatError } from './ll-h5.js';
import { llDirectionList, type LlDirType } from './ll-map.js';

export interface ExportLlSummary {
  file: string;
  directions: number;
  dirType: LlDirType;
  tensors: number;
}

/** A direction file split into θ's part and, for a states direction, the buffers' part. */
export function readDirectionFile(path: string): { vector: ParamVector; buffers?: Map<string, Tensor>; metadata: Record<string, string> } {
  const { tensors, metadata } = readSafetensors(path);
  let bufferNames: string[] = [];
  if (metadata['dir_type'] === 'states') {
    try {
      bufferNames = JSON.parse(metadata['buffers'] ?? '[]') as string[];
    } catch {
      throw new LlFormatError(`${path}: metadata 'buffers' is not a JSON list of names`);
    }
  }
  const params = [...tensors].filter(([n]) => !bufferNames.includes(n));
  for (const [n, t] of params) if (t.dtype !== 'float32') throw new LlFormatError(`${path}: '${n}' is ${t.dtype}, a direction is float32`);
  const layout = new ParamLayout(params.map(([name, t]) => ({ name, shape: t.dims })));
  const data = new Float32Array(layout.size);
  params.forEach(([n, t]) => data.set(t.data as Float32Array, layout.slot(n).offset));
  const buffers = bufferNames.length ? new Map(bufferNames.map((n) => {
    const t = tensors.get(n);
    if (!t) throw new LlFormatError(`${path}: metadata lists buffer '${n}', which the file does not hold`);
    return [n, t] as const;
  })) : undefined;
  return { vector: { layout, data }, ...(buffers ? { buffers } : {}), metadata };
}

/** Writes `out` from the run directory's direction file(s); `numBatchesTracked`: LL's 0-D entries in a states list. */
export async function exportLlDirections(dir: string, out: string, numBatchesTracked = true): Promise<ExportLlSummary> {
  const config = readRunConfigIfPresent(dir);
  if (!config) throw new LlFormatError(`${dir}: no ${RUN_FILE}; give a curve or surface run directory`);
  const names = config.kind === 'curve' ? ['direction'] : config.kind === 'surface' ? ['direction-x', 'direction-y'] : undefined;
  if (!names) throw new LlFormatError(`${dir}: a '${config.kind}' run has no plotting directions; give a curve or surface run directory`);
  const files = names.map((n) => {
    const path = join(dir, `${n}.safetensors`);
    try {
      return readDirectionFile(path);
    } catch (e) {
      if (e instanceof LlFormatError) throw e;
      throw new LlFormatError(`${path}: cannot read the run's direction (${(e as Error).message})`);
    }
  });
  const states = files.some((f) => f.buffers);
  if (states && !files.every((f) => f.buffers)) throw new LlFormatError(`${dir}: one direction is a states direction and the other is not; LL's surface code needs one dir_type for both`);
  const lists = files.map((f) => llDirectionList(f.vector, states ? f.buffers ?? new Map() : undefined, numBatchesTracked));
  const specs = files.map((f) => f.metadata['spec'] ?? '').join('\n');
  await writeLlDirections(out, { x: lists[0]!, ...(lists[1] ? { y: lists[1] } : {}) }, { terrain_run: dir, terrain_directions: specs, terrain_dir_type: states ? 'states' : 'weights' });
  return { file: out, directions: lists.length, dirType: states ? 'states' : 'weights', tensors: lists[0]!.length };
}
