// Loads a model from a file: a terrain checkpoint (.safetensors with the architecture in its metadata), an ONNX
// graph (.onnx, e.g. exported from PyTorch, docs/pytorch.md) or a TF.js LayersModel (model.json beside its weight
// shards); optionally with a PyTorch state_dict (weights .pt/.pth/.safetensors) put into it by name.
// Returns θ as a ParamVector and the buffers apart. Every problem with the files is a ModelFileError.
import { createHash } from 'node:crypto';
import { readRegularFile } from '../ir/read-file.js';
import { loadCheckpoint, modelFromCheckpoint } from '../ir/checkpoint.js';
import type { Graph } from '../ir/graph.js';
import { importGraph, importOnnx, type ImportReport } from '../ir/import/index.js';
import type { Model } from '../ir/model.js';
import type { Tensor } from '../ir/tensor.js';
import { loadTfjsModel } from '../ir/tfjs/index.js';
import { applyStateDict, decodeWeights, type StateDictReport } from '../ir/weights/index.js';
import { ParamLayout, paramsOf, type ParamVector } from './params.js';
import { loadCurvePoint, parseCurvePoint } from './connect/point-model.js';
import { InputError, option, worded } from '../ir/errors.js';

export interface LoadedModel {
  model: Model;
  theta: ParamVector;
  buffers: Map<string, Tensor>;
  /** sha256 of the model file's bytes, followed by the weights file's when one is given. */
  hash: string;
  path: string;
  /** Checkpoint metadata (empty for .onnx and TF.js). */
  meta: Record<string, unknown>;
  /** What import did to an .onnx or TF.js model: parameters, buffers, constants, folded nodes. */
  importReport?: ImportReport;
  /** The weights file and what was loaded from it. */
  weights?: { path: string; report: StateDictReport; skipped: string[] };
}

export interface LoadOptions {
  /** A PyTorch state_dict (.pt/.pth/.bin/.ckpt from torch.save, or .safetensors) mapped onto the model by name. */
  weights?: string;
}

export class ModelFileError extends InputError {
  override name = 'ModelFileError';
}

const FILE_TYPES = 'a terrain checkpoint (.safetensors), an ONNX model (.onnx) or a TF.js model.json';

/** `name`: the option that gave the path ('model', 'weights'). */
function readBytes(path: string, name: string, what: string): Uint8Array {
  try {
    return readRegularFile(path, { what: option(name) });
  } catch (e) {
    throw new ModelFileError(worded`${e}; give ${what}`);
  }
}

/** Runs `f`, turning the lower layers' file errors (any Error but a programming error) into ModelFileError. */
function asModelFileError<T>(name: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ModelFileError || e instanceof TypeError || e instanceof RangeError || !(e instanceof Error)) throw e;
    throw new ModelFileError(worded`${option(name)} ${e}`);
  }
}

export function loadModelFile(path: string, opts: LoadOptions = {}): LoadedModel {
  // DIR@t=0.3: a point of a curve trained by terrain connect (src/core/connect/point-model.ts).
  if (parseCurvePoint(path)) return loadCurvePoint(path, opts);
  const hasher = createHash('sha256');
  let model: Model;
  let meta: Record<string, unknown> = {};
  let importReport: ImportReport | undefined;
  if (path.endsWith('.onnx')) {
    const bytes = readBytes(path, 'model', FILE_TYPES);
    hasher.update(bytes);
    ({ model, report: importReport } = asModelFileError('model', () => importOnnx(bytes, path)));
  } else if (path.endsWith('.json')) {
    const tfjs = asModelFileError('model', () => loadTfjsModel(path));
    for (const b of tfjs.files) hasher.update(b);
    ({ model, report: importReport } = tfjs.imported);
  } else if (path.endsWith('.safetensors')) {
    hasher.update(readBytes(path, 'model', FILE_TYPES));
    const ckpt = asModelFileError('model', () => loadCheckpoint(path));
    model = asModelFileError('model', () => modelFromCheckpoint(ckpt, path));
    meta = ckpt.meta;
  } else {
    throw new ModelFileError(worded`${option('model', path)}: unknown file type; give ${FILE_TYPES}`);
  }

  let weights: LoadedModel['weights'];
  if (opts.weights) {
    const wpath = opts.weights;
    const bytes = readBytes(wpath, 'weights', 'a PyTorch state_dict (.pt/.pth from torch.save, or .safetensors)');
    hasher.update(bytes);
    const file = asModelFileError('weights', () => decodeWeights(bytes, wpath));
    const applied = asModelFileError('weights', () => applyStateDict(model, file.tensors, wpath, { unused: importReport?.unused }));
    model = applied.model;
    weights = { path: wpath, report: applied.report, skipped: file.skipped };
  }
  const theta = paramsOf(model, ParamLayout.ofModel(model));
  const buffers = new Map(model.buffers.map((b) => [b, model.graph.initializers.get(b)!]));
  return { model, theta, buffers, hash: hasher.digest('hex'), path, meta, importReport, weights };
}

/** An ONNX graph as a terrain model, by the rules of ONNX import (src/ir/import): see importGraph. */
export function modelFromGraph(graph: Graph, source = `graph '${graph.name}'`): Model {
  return asModelFileError('model', () => importGraph(graph, source).model);
}
