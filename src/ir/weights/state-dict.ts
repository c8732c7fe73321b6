// Puts a PyTorch state_dict (from .pt or .safetensors) into a model's initializers by name, strictly like
// load_state_dict(strict=True): every parameter and buffer must be given with its shape, and every entry must
// find a place. One error lists all that is missing, unexpected or mis-shaped.
import { cloneGraph } from '../graph.js';
import type { Model } from '../model.js';
import type { Tensor, TensorData } from '../tensor.js';
import { InputError } from '../errors.js';

export class StateDictError extends InputError {
  override name = 'StateDictError';
}

export interface StateDictReport {
  /** Parameters and buffers that received a tensor. */
  loaded: string[];
  /** Entries accepted without use: num_batches_tracked (terrain keeps no step counter) and tensors the exported graph
   * no longer reads. */
  ignored: string[];
  /** Entries converted to the model's float type (e.g. float64 or half → float32). */
  converted: string[];
}

export interface MappingOptions {
  /** Initializers of the original file that the imported graph dropped as unused: their entries are ignored. */
  unused?: readonly string[];
}

const MAX_LISTED = 20;

function list(names: string[]): string {
  const shown = names.slice(0, MAX_LISTED).join(', ');
  return names.length > MAX_LISTED ? `${shown} … and ${names.length - MAX_LISTED} more` : shown;
}

const isFloat = (d: string) => d === 'float32' || d === 'float64';

function convertFloat(t: Tensor, dtype: 'float32' | 'float64'): Tensor {
  const data: TensorData = dtype === 'float32' ? Float32Array.from(t.data as Float64Array) : Float64Array.from(t.data as Float32Array);
  return { dtype, dims: [...t.dims], data };
}

/**
 * A copy of `model` whose parameters, buffers and (where the state_dict has them) other file initializers hold the
 * given tensors. Throws StateDictError listing every missing, unexpected and mis-shaped entry.
 */
export function applyStateDict(model: Model, state: ReadonlyMap<string, Tensor>, source: string, opts: MappingOptions = {}): { model: Model; report: StateDictReport } {
  const g = cloneGraph(model.graph);
  const required = [...model.params, ...model.buffers];
  const unused = new Set(opts.unused ?? []);
  const missing = required.filter((n) => !state.has(n));
  const unexpected: string[] = [], misshaped: string[] = [], ignored: string[] = [], converted: string[] = [], loaded: string[] = [];
  for (const [name, t] of state) {
    const target = g.initializers.get(name);
    if (!target) {
      if (name.endsWith('num_batches_tracked') || unused.has(name)) ignored.push(name);
      else unexpected.push(name);
      continue;
    }
    if (target.dims.join() !== t.dims.join()) {
      misshaped.push(`${name}: file [${t.dims}], model [${target.dims}]`);
      continue;
    }
    if (t.dtype !== target.dtype) {
      if (!isFloat(t.dtype) || !isFloat(target.dtype)) {
        misshaped.push(`${name}: file ${t.dtype}, model ${target.dtype}`);
        continue;
      }
      converted.push(name);
      g.initializers.set(name, convertFloat(t, target.dtype as 'float32' | 'float64'));
    } else {
      g.initializers.set(name, { dtype: t.dtype, dims: [...t.dims], data: t.data.slice() });
    }
    loaded.push(name);
  }
  if (missing.length + unexpected.length + misshaped.length > 0) {
    const parts = [
      missing.length ? `missing ${missing.length} (in the model, not in the file): ${list(missing)}` : '',
      unexpected.length ? `unexpected ${unexpected.length} (in the file, not in the model): ${list(unexpected)}` : '',
      misshaped.length ? `mis-shaped ${misshaped.length}: ${list(misshaped)}` : '',
    ].filter((p) => p);
    throw new StateDictError(`${source}: the weights do not fit the model; ${parts.join('; ')}${prefixHint(missing, unexpected)}${foldingHint(missing, unexpected, model.buffers.length)}`);
  }
  return { model: { ...model, graph: g }, report: { loaded, ignored, converted } };
}

/**
 * Parameters named like "onnx::Conv_123", or BatchNorm statistics in the file but none in the model: the ONNX file
 * was exported in eval mode with constant folding, which folds BatchNorm into the convolutions and renames them.
 */
function foldingHint(missing: string[], unexpected: string[], modelBuffers: number): string {
  const generated = missing.find((n) => n.startsWith('onnx::'));
  const bnStats = modelBuffers === 0 ? unexpected.find((n) => /(^|\.)running_(mean|var)$/.test(n)) : undefined;
  if (!generated && !bnStats) return '';
  const why = generated
    ? `the model's parameters carry exporter-generated names such as '${generated}'`
    : `the file has BatchNorm statistics ('${bnStats}') but the model has none`;
  return `. ${why}: the .onnx file was exported in eval mode with constant folding, which folds BatchNorm into the `
    + 'convolutions and renames their weights; export it again with torch.onnx.export(..., '
    + 'training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False) (docs/pytorch.md)';
}

/** "module.conv1.weight" vs "conv1.weight": a DataParallel or wrapper prefix, the commonest mismatch. */
function prefixHint(missing: string[], unexpected: string[]): string {
  if (missing.length === 0 || unexpected.length === 0) return '';
  const m = missing[0]!;
  const hit = unexpected.find((u) => u.endsWith(`.${m}`) || m.endsWith(`.${u}`));
  if (!hit) return '';
  const prefix = hit.length > m.length ? hit.slice(0, hit.length - m.length) : m.slice(0, m.length - hit.length);
  return `. The names differ by the prefix '${prefix}' (e.g. from nn.DataParallel): strip it before saving, `
    + `{k.removeprefix('${prefix}'): v for k, v in state_dict.items()}`;
}
