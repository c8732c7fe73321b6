// Loads a model from a file: a terrain checkpoint (.safetensors with the architecture in its metadata) or an .onnx
// graph whose initializers hold the weights. Returns θ as a ParamVector and the buffers apart.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fromOnnxBytes } from '../ir/onnx.js';
import { loadCheckpoint, modelFromCheckpoint } from '../ir/checkpoint.js';
import type { Graph } from '../ir/graph.js';
import type { Model } from '../ir/model.js';
import type { Tensor } from '../ir/tensor.js';
import { ParamLayout, paramsOf, type ParamVector } from './params.js';

export interface LoadedModel {
  model: Model;
  theta: ParamVector;
  buffers: Map<string, Tensor>;
  /** sha256 of the file's bytes. */
  hash: string;
  path: string;
  /** Checkpoint metadata (empty for .onnx). */
  meta: Record<string, unknown>;
}

export class ModelFileError extends Error {
  override name = 'ModelFileError';
}

export function loadModelFile(path: string): LoadedModel {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new ModelFileError(`--model ${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give a .safetensors checkpoint or an .onnx file`);
  }
  const hash = createHash('sha256').update(bytes).digest('hex');
  let model: Model;
  let meta: Record<string, unknown> = {};
  if (path.endsWith('.onnx')) {
    model = modelFromGraph(fromOnnxBytes(bytes, path));
  } else if (path.endsWith('.safetensors')) {
    const ckpt = loadCheckpoint(path);
    model = modelFromCheckpoint(ckpt, path);
    meta = ckpt.meta;
  } else {
    throw new ModelFileError(`--model ${path}: unknown file type; give a terrain checkpoint (.safetensors) or an ONNX model (.onnx)`);
  }
  const theta = paramsOf(model, ParamLayout.ofModel(model));
  const buffers = new Map(model.buffers.map((b) => [b, model.graph.initializers.get(b)!]));
  return { model, theta, buffers, hash, path, meta };
}

/**
 * An ONNX graph as a terrain model: float initializers are trainable parameters, except BatchNormalization's running
 * mean and variance (inputs 3 and 4), which are buffers; integer initializers are constants.
 */
export function modelFromGraph(graph: Graph): Model {
  const bufferNames = new Set<string>();
  for (const n of graph.nodes) if (n.op === 'BatchNormalization') for (const i of [3, 4]) if (n.inputs[i]) bufferNames.add(n.inputs[i]!);
  const params: string[] = [];
  const buffers: string[] = [];
  for (const [name, t] of graph.initializers) {
    if (t.dtype !== 'float32') continue;
    if (bufferNames.has(name)) buffers.push(name);
    else if (t.dims.length > 0) params.push(name);
  }
  const input = graph.inputs[0];
  const output = graph.outputs[0];
  if (!input || !output) throw new ModelFileError(`ONNX graph '${graph.name}' needs one input and one output (logits)`);
  const inputShape = input.shape.slice(1).map((d) => (typeof d === 'number' ? d : NaN));
  const classes = output.shape[1];
  if (inputShape.some(Number.isNaN) || typeof classes !== 'number') {
    throw new ModelFileError(`ONNX graph '${graph.name}': input '${input.name}' [${input.shape}] and output '${output.name}' [${output.shape}] need fixed sizes after the batch dimension`);
  }
  const renamed = renameIo(graph, input.name, output.name);
  return { spec: { arch: 'onnx', options: {}, inputShape, classes }, graph: renamed, params, buffers };
}

/** terrain feeds "input" and fetches "logits": rename the graph's own I/O names to those. */
function renameIo(g: Graph, inName: string, outName: string): Graph {
  const map = (x: string): string => (x === inName ? 'input' : x === outName ? 'logits' : x);
  return {
    ...g,
    inputs: g.inputs.map((v) => (v.name === inName ? { ...v, name: 'input' } : v)),
    outputs: [{ ...g.outputs[0]!, name: 'logits' }],
    nodes: g.nodes.map((n) => ({ ...n, inputs: n.inputs.map(map), outputs: n.outputs.map(map) })),
  };
}
