// The TF.js LayersModel file (model.json), read into a plain list of layers with their inputs: both Sequential and
// functional ("Model"/"Functional") topologies, written by tfjs-layers' model.save() or by tensorflowjs_converter
// from Keras (which nests the topology under "model_config"). Everything is validated; errors name the field.
import { InputError } from '../errors.js';

export class TfjsError extends InputError {
  override name = 'TfjsError';
}

export interface LayerSpec {
  className: string;
  name: string;
  config: Record<string, unknown>;
  /** Names of the layers whose outputs feed this one (in order); empty for the input layer. */
  inbound: string[];
}

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; scale?: number; min?: number };
}

export interface WeightGroup {
  paths: string[];
  weights: WeightSpec[];
}

export interface TfjsModelJson {
  /** Layers in an order where every layer comes after its inputs. */
  layers: LayerSpec[];
  /** The layer providing the model input, with its per-sample shape (channels last, as Keras has it). */
  input: { name: string; shape: number[] };
  output: string;
  manifest: WeightGroup[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseModelJson(raw: unknown, source: string): TfjsModelJson {
  const fail = (what: string): never => { throw new TfjsError(`${source}: ${what}`); };
  if (!isObject(raw)) return fail('model.json must be a JSON object');
  if (raw['format'] !== undefined && raw['format'] !== 'layers-model') fail(`format is '${String(raw['format'])}'; only TF.js LayersModel files ("layers-model") are supported, not graph models`);
  let topo = raw['modelTopology'];
  if (isObject(topo) && isObject(topo['model_config'])) topo = topo['model_config'];
  if (!isObject(topo)) return fail('modelTopology is missing');
  const manifest = parseManifest(raw['weightsManifest'], fail);
  const className = topo['class_name'];
  const config = topo['config'];
  if (className === 'Sequential') return { ...sequential(config, fail), manifest };
  if (className === 'Model' || className === 'Functional') return { ...functional(config, fail), manifest };
  return fail(`modelTopology.class_name is '${String(className)}'; expected Sequential, Model or Functional`);
}

function layerOf(raw: unknown, at: string, fail: (w: string) => never): Omit<LayerSpec, 'inbound'> & { rawInbound: unknown } {
  if (!isObject(raw)) return fail(`${at} must be an object`);
  const className = raw['class_name'];
  const config = raw['config'];
  if (typeof className !== 'string' || !isObject(config)) return fail(`${at} needs class_name and config`);
  const name = typeof raw['name'] === 'string' ? raw['name'] : config['name'];
  if (typeof name !== 'string' || name === '') return fail(`${at} (${className}) has no name`);
  return { className, name, config, rawInbound: raw['inbound_nodes'] };
}

/** Keras' batch_input_shape / batch_shape without the batch entry. */
function sampleShape(config: Json): number[] | undefined {
  const s = config['batch_input_shape'] ?? config['batch_shape'];
  if (!Array.isArray(s)) return undefined;
  return s.slice(1) as number[];
}

function checkShape(shape: unknown[], at: string, fail: (w: string) => never): number[] {
  if (shape.length === 0 || !shape.every((d) => Number.isSafeInteger(d) && (d as number) > 0 && (d as number) <= 1 << 20)) {
    fail(`${at}: input shape [${shape.map(String)}] must be fixed positive sizes after the batch`);
  }
  return shape as number[];
}

function sequential(config: unknown, fail: (w: string) => never): Omit<TfjsModelJson, 'manifest'> {
  const list = Array.isArray(config) ? config : isObject(config) ? config['layers'] : undefined;
  if (!Array.isArray(list) || list.length === 0) return fail('Sequential config has no layers');
  const all = list.map((raw, i) => layerOf(raw, `layer ${i}`, fail));
  const first = all[0]!;
  const shape = sampleShape(first.config);
  if (!shape) return fail(`the first layer ('${first.name}') needs batch_input_shape`);
  const hasInputLayer = first.className === 'InputLayer';
  const input = { name: hasInputLayer ? first.name : `${first.name}_input`, shape: checkShape(shape, `layer '${first.name}'`, fail) };
  const layers: LayerSpec[] = [{ className: 'InputLayer', name: input.name, config: hasInputLayer ? first.config : {}, inbound: [] }];
  let prev = input.name;
  for (const l of hasInputLayer ? all.slice(1) : all) {
    layers.push({ className: l.className, name: l.name, config: l.config, inbound: [prev] });
    prev = l.name;
  }
  return { layers, input, output: prev };
}

/** [[["conv1", 0, 0, {}], …]]: the first call's inputs, by layer name. */
function inboundOf(raw: unknown, at: string, fail: (w: string) => never): string[] {
  if (raw === undefined || (Array.isArray(raw) && raw.length === 0)) return [];
  if (!Array.isArray(raw) || raw.length !== 1 || !Array.isArray(raw[0])) return fail(`${at}: inbound_nodes must hold exactly one call (shared layers are not supported)`);
  return (raw[0] as unknown[]).map((ref, k) => {
    if (!Array.isArray(ref) || typeof ref[0] !== 'string') return fail(`${at}: inbound ${k} must be [layer, node, tensor, kwargs]`);
    if (ref[1] !== 0 || ref[2] !== 0) fail(`${at}: inbound '${ref[0]}' uses node ${String(ref[1])}, tensor ${String(ref[2])}; only single-output, single-call layers are supported`);
    return ref[0];
  });
}

function endpoint(raw: unknown, what: string, fail: (w: string) => never): string {
  const list = Array.isArray(raw) ? raw : [];
  if (list.length !== 1 || !Array.isArray(list[0]) || typeof list[0][0] !== 'string') return fail(`${what} must name exactly one layer`);
  return list[0][0] as string;
}

function functional(config: unknown, fail: (w: string) => never): Omit<TfjsModelJson, 'manifest'> {
  if (!isObject(config) || !Array.isArray(config['layers'])) return fail('functional model config has no layers');
  const specs = (config['layers'] as unknown[]).map((raw, i) => {
    const l = layerOf(raw, `layer ${i}`, fail);
    return { className: l.className, name: l.name, config: l.config, inbound: inboundOf(l.rawInbound, `layer '${l.name}'`, fail) };
  });
  const byName = new Map<string, LayerSpec>();
  for (const s of specs) {
    if (byName.has(s.name)) fail(`two layers are named '${s.name}'`);
    byName.set(s.name, s);
  }
  const inputName = endpoint(config['input_layers'], 'input_layers', fail);
  const output = endpoint(config['output_layers'], 'output_layers', fail);
  const inputLayer = byName.get(inputName);
  if (!inputLayer) return fail(`input layer '${inputName}' is not among the layers`);
  const shape = sampleShape(inputLayer.config);
  if (!shape) return fail(`input layer '${inputName}' has no batch_input_shape`);
  // Topological order by depth-first search from the output; cycles and dangling names are errors.
  const order: LayerSpec[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (name: string, from: string): void => {
    const s = byName.get(name);
    if (!s) fail(`layer '${from}' takes input from unknown layer '${name}'`);
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'open') fail(`layers form a cycle through '${name}'`);
    state.set(name, 'open');
    for (const i of s!.inbound) visit(i, name);
    state.set(name, 'done');
    order.push(s!);
  };
  visit(output, 'output_layers');
  if (!state.has(inputName)) fail(`the output '${output}' does not depend on the input '${inputName}'`);
  return { layers: order, input: { name: inputName, shape: checkShape(shape, `input layer '${inputName}'`, fail) }, output };
}

function parseManifest(raw: unknown, fail: (w: string) => never): WeightGroup[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) return fail('weightsManifest must be a list of groups');
  return raw.map((g, i) => {
    if (!isObject(g) || !Array.isArray(g['paths']) || !Array.isArray(g['weights'])) return fail(`weightsManifest[${i}] needs paths and weights`);
    const paths = g['paths'] as unknown[];
    for (const p of paths) {
      if (typeof p !== 'string' || p === '' || p.includes('..') || p.startsWith('/') || p.includes('\\')) fail(`weightsManifest[${i}]: shard path ${JSON.stringify(p)} must be a plain file name beside model.json`);
    }
    const weights = (g['weights'] as unknown[]).map((w, k) => {
      if (!isObject(w) || typeof w['name'] !== 'string' || !Array.isArray(w['shape']) || typeof w['dtype'] !== 'string') {
        return fail(`weightsManifest[${i}].weights[${k}] needs name, shape and dtype`);
      }
      const shape = w['shape'] as unknown[];
      if (!shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) fail(`weight '${w['name']}': shape ${JSON.stringify(shape)} must be non-negative integers`);
      const q = w['quantization'];
      if (q !== undefined && (!isObject(q) || typeof q['dtype'] !== 'string')) fail(`weight '${w['name']}': quantization needs a dtype`);
      return { name: w['name'], shape: shape as number[], dtype: w['dtype'], ...(q ? { quantization: q as WeightSpec['quantization'] } : {}) };
    });
    return { paths: paths as string[], weights };
  });
}
