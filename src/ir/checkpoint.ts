// Checkpoints: a safetensors file whose tensors are a model's parameters and buffers (PyTorch state_dict names, so
// torch.load_state_dict can read them) and whose __metadata__ says how to rebuild the model:
//   "terrain.format": "1", "terrain.spec": JSON ModelSpec, "terrain.meta": JSON object of free metadata
//   (dataset name/hash, seed, epoch, metrics, …), "format": "pt" (the Hugging Face convention for torch tensors).
// Writes are atomic (temporary file + rename), so a crash never leaves a half-written checkpoint.
import { cloneGraph } from './graph.js';
import type { Model, ModelSpec } from './model.js';
import { readSafetensors, SafetensorsError, writeSafetensors } from './safetensors.js';
import { jsonDepth, MAX_JSON_DEPTH } from './json-depth.js';
import type { Tensor } from './tensor.js';
import { buildModel, normalizeSpec, zooNames } from './zoo/index.js';
import { InputError } from './errors.js';

export const CHECKPOINT_FORMAT = '1';
export const SPEC_KEY = 'terrain.spec';
export const META_KEY = 'terrain.meta';
export const FORMAT_KEY = 'terrain.format';

export interface Checkpoint {
  spec: ModelSpec;
  /** Parameters and buffers by state_dict name. */
  tensors: Map<string, Tensor>;
  /** Free, JSON-serialisable metadata: dataset, seed, epoch, metrics, … */
  meta: Record<string, unknown>;
}

export class CheckpointError extends InputError {}

/** The checkpoint of a model as it stands: its parameters and buffers in state_dict order. */
export function checkpointOf(model: Model, meta: Record<string, unknown> = {}): Checkpoint {
  const keep = new Set([...model.params, ...model.buffers]);
  const tensors = new Map([...model.graph.initializers].filter(([name]) => keep.has(name)));
  return { spec: model.spec, tensors, meta };
}

export function saveCheckpoint(path: string, ckpt: Checkpoint): void {
  // Zoo specs are stored with their defaults filled in, so the file alone says what was built.
  const spec = zooNames().includes(ckpt.spec.arch) ? normalizeSpec(ckpt.spec) : ckpt.spec;
  let meta: string;
  try {
    meta = JSON.stringify(ckpt.meta ?? {});
  } catch (e) {
    throw new CheckpointError(`${path}: checkpoint metadata must be JSON-serialisable (${(e as Error).message})`);
  }
  writeSafetensors(path, ckpt.tensors, { format: 'pt', [FORMAT_KEY]: CHECKPOINT_FORMAT, [SPEC_KEY]: JSON.stringify(spec), [META_KEY]: meta });
}

export function loadCheckpoint(path: string): Checkpoint {
  const { tensors, metadata } = readSafetensors(path);
  const specText = metadata[SPEC_KEY];
  if (specText === undefined) {
    throw new CheckpointError(`${path}: not a terrain checkpoint (no '${SPEC_KEY}' in the safetensors metadata); plain weights need the model given separately`);
  }
  const spec = parseSpec(path, specText);
  let meta: unknown = {};
  if (metadata[META_KEY] !== undefined) {
    try {
      if (jsonDepth(metadata[META_KEY]) > MAX_JSON_DEPTH) throw new Error(`nested more than ${MAX_JSON_DEPTH} levels deep`);
      meta = JSON.parse(metadata[META_KEY]);
    } catch (e) {
      throw new CheckpointError(`${path}: '${META_KEY}' metadata is not valid JSON (${(e as Error).message})`);
    }
    if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) throw new CheckpointError(`${path}: '${META_KEY}' metadata must be a JSON object`);
  }
  return { spec, tensors, meta: meta as Record<string, unknown> };
}

/** Rebuilds a zoo model from the checkpoint's spec and puts the stored tensors in place of its initial weights. */
export function modelFromCheckpoint(ckpt: Checkpoint, source = 'checkpoint'): Model {
  if (!zooNames().includes(ckpt.spec.arch)) {
    throw new CheckpointError(`${source}: model '${ckpt.spec.arch}' is not in the zoo (${zooNames().join(', ')}); load its graph and apply the weights with withWeights()`);
  }
  let model: Model;
  try {
    model = buildModel(ckpt.spec, 0, { zeroInit: true });
  } catch (e) {
    throw new CheckpointError(`${source}: cannot rebuild the model from its spec: ${(e as Error).message}`);
  }
  return withWeights(model, ckpt.tensors, source);
}

/**
 * A copy of `model` whose parameters and buffers are `tensors`. Strict: every parameter and buffer must be given,
 * as float32 with the model's shape, and nothing else (BatchNorm num_batches_tracked, which terrain does not keep,
 * is ignored). One error lists every problem.
 */
export function withWeights(model: Model, tensors: Map<string, Tensor>, source = 'weights'): Model {
  const wanted = [...model.params, ...model.buffers];
  const wantedSet = new Set(wanted);
  const missing = wanted.filter((n) => !tensors.has(n));
  const extra = [...tensors.keys()].filter((n) => !wantedSet.has(n) && !n.endsWith('.num_batches_tracked'));
  const wrong: string[] = [];
  for (const n of wanted) {
    const t = tensors.get(n);
    const ref = model.graph.initializers.get(n);
    if (!t || !ref) continue;
    if (t.dtype !== 'float32') wrong.push(`${n} is ${t.dtype}, expected float32`);
    else if (t.dims.join() !== ref.dims.join()) wrong.push(`${n} has shape [${t.dims}], expected [${ref.dims}]`);
  }
  if (missing.length || extra.length || wrong.length) {
    const parts = [
      missing.length ? `missing ${list(missing)}` : '',
      extra.length ? `unexpected ${list(extra)}` : '',
      wrong.length ? `mis-shaped ${list(wrong)}` : '',
    ].filter(Boolean);
    throw new CheckpointError(`${source}: tensors do not fit ${model.spec.arch} ${JSON.stringify(model.spec.inputShape)}→${model.spec.classes}: ${parts.join('; ')}`);
  }
  const graph = cloneGraph(model.graph);
  for (const n of wanted) graph.initializers.set(n, tensors.get(n)!);
  return { spec: model.spec, graph, params: [...model.params], buffers: [...model.buffers] };
}

function list(items: string[], max = 8): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${items.length} (${shown}, …)` : shown;
}

function parseSpec(path: string, text: string): ModelSpec {
  let v: unknown;
  try {
    if (jsonDepth(text) > MAX_JSON_DEPTH) throw new Error(`nested more than ${MAX_JSON_DEPTH} levels deep`);
    v = JSON.parse(text);
  } catch (e) {
    throw new CheckpointError(`${path}: '${SPEC_KEY}' metadata is not valid JSON (${(e as Error).message})`);
  }
  const s = v as Partial<ModelSpec> | null;
  const bad = (what: string): never => { throw new CheckpointError(`${path}: '${SPEC_KEY}' ${what}, got ${text.slice(0, 200)}`); };
  if (typeof s !== 'object' || s === null || Array.isArray(s)) return bad('must be a JSON object');
  if (typeof s.arch !== 'string') bad('needs "arch" (a string)');
  if (typeof s.options !== 'object' || s.options === null || Array.isArray(s.options)) bad('needs "options" (an object)');
  if (!Array.isArray(s.inputShape) || !s.inputShape.every((d) => Number.isInteger(d) && d > 0)) bad('needs "inputShape" (positive integers)');
  if (!Number.isInteger(s.classes) || (s.classes as number) < 1) bad('needs "classes" (a positive integer)');
  if (s.inputDtype !== undefined && s.inputDtype !== 'int64' && s.inputDtype !== 'int32') bad('has "inputDtype" other than "int64" or "int32"');
  return { arch: s.arch!, options: s.options!, inputShape: s.inputShape!, classes: s.classes!, ...(s.inputDtype ? { inputDtype: s.inputDtype } : {}) };
}

export { SafetensorsError };
