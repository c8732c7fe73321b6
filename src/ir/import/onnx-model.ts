// An ONNX file (typically exported from PyTorch) as a terrain model: parsed, checked against what terrain can run and
// differentiate, simplified, its I/O renamed to "input"/"logits", and its initializers split into parameters,
// buffers and constants (./roles.ts). Every problem is one ImportError naming the file and the node or value.
import { attr, type Dim, type Graph, type Node, type ValueInfo } from '../graph.js';
import { INPUT, LOGITS, type Model } from '../model.js';
import { int64 } from '../tensor.js';
import { ONNX_TYPE_OF } from '../shapes/elementwise.js';
import { fromOnnxBytes, OnnxFormatError } from '../onnx.js';
import { checkGraph } from '../graph-check.js';
import { inferShapes, type ShapeEnv } from '../shapes/index.js';
import { isStatic, showShape } from '../shapes/dims.js';
import { classifyInitializers } from './roles.js';
import { IMPORT_MAX_OPSET, IMPORT_MIN_OPSET, OpsetError, toInternalOpset } from './opset.js';
import { simplifyGraph } from './simplify.js';
import { describeUnsupported, unsupportedAfterImport, unsupportedBeforeImport } from './support.js';
import { InputError } from '../errors.js';

export class ImportError extends InputError {
  override name = 'ImportError';
}

/** Largest value (elements per sample, the batch counted once) an imported graph may compute: 2^26, 256 MB of floats. */
export const MAX_VALUE_ELEMENTS = 2 ** 26;
/** Largest sum over all values of a graph, per sample: 2^28 (ResNet-50 at 224×224 needs about 2^25). */
export const MAX_TOTAL_ELEMENTS = 2 ** 28;

/** The symbol terrain gives the batch dimension of imported models. */
export const BATCH = 'N';

export interface ImportReport {
  source: string;
  opset: number;
  params: string[];
  buffers: string[];
  constants: string[];
  /** Identity alias copies of deduplicated initializers (alias → source). */
  aliases: Map<string, string>;
  folded: number;
  removed: number;
  /** Initializers of the file that nothing reads (left out of the model). */
  unused: string[];
  /** The file's own input and output names (renamed to "input" and "logits"). */
  inputName: string;
  outputName: string;
  /** Further graph outputs that terrain ignores. */
  ignoredOutputs: string[];
  /** The batch size the exporter fixed, made variable at import (absent when the file's batch was already symbolic). */
  bakedBatch?: number;
}

export interface Imported {
  model: Model;
  report: ImportReport;
}

export function importOnnx(bytes: Uint8Array, source = 'model.onnx'): Imported {
  let graph: Graph;
  try {
    graph = fromOnnxBytes(bytes, source);
  } catch (e) {
    if (e instanceof OnnxFormatError) throw new ImportError(e.message);
    throw e;
  }
  checkGraph(graph, source);
  return importGraph(graph, source);
}

/** Imports an already parsed graph (ONNX files, converted TF.js models). */
export function importGraph(file: Graph, source: string): Imported {
  let graph = file;
  const fail = (what: string): never => { throw new ImportError(`${source}: ${what}`); };
  // Opsets 18–20 are brought to opset 17, the one form autodiff, the loss and the BN rewrite emit (./opset.ts).
  // A node the lowering refuses leaves the file's own opset in place: ONNX Runtime still runs it forward.
  let refused: string | undefined;
  const known = file.opset >= IMPORT_MIN_OPSET && file.opset <= IMPORT_MAX_OPSET;
  try { graph = toInternalOpset(file); } catch (e) { if (!(e instanceof OpsetError)) throw e; if (!known) fail(e.message); refused = e.message; }
  const inputs = checkInputs(graph, fail);
  let input = inputs[0]!;
  if (inputs.length > 1) ({ graph, input } = packInputs(graph, inputs));
  else if (INTEGER_INPUTS.has(input.dtype)) graph = feedIdsAsFloat(graph, input);
  const bakedBatch = isStatic(input.shape[0]!) ? input.shape[0] as number : undefined;
  if (bakedBatch !== undefined) graph = withSymbolicBatch(graph);
  if (graph.outputs.length === 0) fail('the graph has no outputs');
  const output = graph.outputs[0]!;
  if (!graph.nodes.some((n) => n.outputs.includes(output.name))) fail(`output '${output.name}' is not computed by any node`);
  const focused: Graph = { ...graph, outputs: [output] };
  if (refused !== undefined) return importForwardOnly(focused, input, output, { source, opset: file.opset }, `${source}: ${refused}`, inputs, fail);
  const before = unsupportedBeforeImport(graph);
  const unknown = before.filter((u) => u.kind === 'unknown');
  if (unknown.length > 0) return importForwardOnly(focused, input, output, { source, opset: file.opset }, describeUnsupported(source, unknown), inputs, fail);

  const s = guarded(source, 'simplifying', () => simplifyGraph(focused, { bakedBatch }), bakedBatch);
  const [g, renamed] = renameIo(s.graph, input.name, output.name);
  const env = guarded(source, 'shape inference', () => inferShapes(g), bakedBatch);
  const perSample = checkOutput(env, bakedBatch, fail);
  if (bakedBatch !== undefined) checkBatchFreed(g, bakedBatch, fail);
  const classes = classesOf(perSample);
  checkSizes(g, env, fail);
  const roles = classifyInitializers(g, new Set([...s.fromFile].map(renamed)));
  const after = unsupportedAfterImport(g, env, roles.params);

  g.outputs = [{ name: LOGITS, dtype: 'float32', shape: [BATCH, ...perSample] }];
  const report: ImportReport = {
    source, opset: file.opset, ...roles, aliases: s.aliases, folded: s.folded, removed: s.removed, unused: s.unused,
    inputName: input.name, outputName: output.name, ignoredOutputs: graph.outputs.slice(1).map((o) => o.name),
    ...(bakedBatch !== undefined ? { bakedBatch } : {}),
  };
  const forwardOnly = after.length > 0 ? { forwardOnly: describeUnsupported(source, after) } : {};
  return { model: { spec: specOf(input, classes, inputs), graph: g, params: roles.params, buffers: roles.buffers, ...forwardOnly }, report };
}

/**
 * Graphs with ops terrain's shape inference does not know: kept node for node (no folding), so ONNX Runtime runs them
 * forward; the classes come from the file's declared output shape. Differentiating such a model is refused with
 * `reason` (Model.forwardOnly).
 */
function importForwardOnly(graph: Graph, input: ValueInfo, output: ValueInfo, file: { source: string; opset: number }, reason: string, inputs: ValueInfo[], fail: (w: string) => never): Imported {
  const perSample = output.shape.slice(1);
  if (output.shape.length < 1 || output.shape.length > 3 || !perSample.every((d) => isStatic(d) && d > 0) || output.dtype !== 'float32') {
    fail(`the graph's output '${output.name}' is declared ${output.dtype} ${showShape(output.shape)}, but terrain cannot infer shapes through ${reason.split('\n').slice(1).join('; ')}; give the output as float32 logits [batch, classes]`);
  }
  const classes = classesOf(perSample as number[]);
  const s = simplifyGraph(graph, { fold: false });
  const [g, renamed] = renameIo(s.graph, input.name, output.name);
  const roles = classifyInitializers(g, new Set([...s.fromFile].map(renamed)));
  g.outputs = [{ name: LOGITS, dtype: 'float32', shape: [BATCH, ...perSample] }];
  return {
    model: { spec: specOf(input, classes, inputs), graph: g, params: roles.params, buffers: roles.buffers, forwardOnly: reason },
    report: {
      source: file.source, opset: file.opset, ...roles, aliases: s.aliases, folded: 0, removed: s.removed, unused: s.unused,
      inputName: input.name, outputName: output.name, ignoredOutputs: [],
    },
  };
}

function specOf(input: ValueInfo, classes: number, inputs: readonly ValueInfo[]): Model['spec'] {
  const inputShape = input.shape.slice(1) as number[];
  const ids = INTEGER_INPUTS.has(input.dtype) ? { inputDtype: input.dtype as 'int64' | 'int32' } : {};
  const packed = inputs.length > 1
    ? { inputs: inputs.map((v) => ({ name: v.name, shape: v.shape.slice(1) as number[], dtype: v.dtype === 'float32' ? 'float32' as const : 'int64' as const })) }
    : {};
  return { arch: 'onnx', options: {}, inputShape, classes, ...ids, ...packed };
}

/**
 * Several inputs (token ids and an attention mask, say) become one float32 input [batch, Σ sample sizes]: each
 * original input is a Slice of it, reshaped to its own sample shape and cast back to integers where it was, so
 * every batch path still feeds one tensor. The data side packs the arrays in the same order (ModelSpec.inputs).
 */
function packInputs(graph: Graph, inputs: readonly ValueInfo[]): { graph: Graph; input: ValueInfo } {
  const fresh = freshNames(graph);
  const packedName = fresh('packed_input');
  const initializers = new Map(graph.initializers);
  const ints = (stem: string, values: number[]): string => {
    const name = fresh(stem);
    initializers.set(name, int64([values.length], values));
    return name;
  };
  const unpack: Node[] = [];
  const axis = ints('packed_input/axis', [1]);
  let start = 0;
  for (const v of inputs) {
    const dims = v.shape.slice(1) as number[];
    const size = dims.reduce((p, d) => p * d, 1);
    const flat = fresh(`${v.name}/flat`), shaped = INTEGER_INPUTS.has(v.dtype) ? fresh(`${v.name}/float`) : v.name;
    unpack.push({ name: fresh(`${v.name}/slice`), op: 'Slice', inputs: [packedName, ints(`${v.name}/start`, [start]), ints(`${v.name}/end`, [start + size]), axis], outputs: [flat], attrs: {} });
    unpack.push({ name: fresh(`${v.name}/reshape`), op: 'Reshape', inputs: [flat, ints(`${v.name}/shape`, [0, ...dims])], outputs: [shaped], attrs: {} });
    if (shaped !== v.name) unpack.push({ name: fresh(`${v.name}/as_ids`), op: 'Cast', inputs: [shaped], outputs: [v.name], attrs: { to: attr.int(ONNX_TYPE_OF[v.dtype]) } });
    start += size;
  }
  const input: ValueInfo = { name: packedName, dtype: 'float32', shape: [inputs[0]!.shape[0]!, start] };
  return { graph: { ...graph, inputs: [input], nodes: [...unpack, ...graph.nodes], initializers }, input };
}

/** A graph whose exporter fixed the batch size (no dynamic_axes): the input's and outputs' first dim become symbolic. */
function withSymbolicBatch(graph: Graph): Graph {
  const batch = graph.inputs[0]!.shape[0];
  const free = (v: ValueInfo): ValueInfo => (v.shape[0] === batch ? { ...v, shape: [BATCH, ...v.shape.slice(1)] } : v);
  return { ...graph, inputs: [free(graph.inputs[0]!), ...graph.inputs.slice(1)], outputs: graph.outputs.map(free) };
}

const INTEGER_INPUTS = new Set(['int64', 'int32']);

/**
 * Token ids: the graph's integer input becomes a float32 input followed by a Cast to the file's type, so every batch
 * path stays float32 (ids below 2^24 are exact in float32; the data readers check that) while the model's own ops
 * (Gather on an embedding table) see the integers they were exported with. Cast passes no gradient to the ids.
 */
function feedIdsAsFloat(graph: Graph, input: ValueInfo): Graph {
  const ids = freshNames(graph)(`${input.name}_ids`);
  const cast: Node = { name: `${input.name}_as_ids`, op: 'Cast', inputs: [input.name], outputs: [ids], attrs: { to: attr.int(ONNX_TYPE_OF[input.dtype]) } };
  const nodes = graph.nodes.map((n) => ({ ...n, inputs: n.inputs.map((x) => (x === input.name ? ids : x)) }));
  return { ...graph, inputs: [{ ...input, dtype: 'float32' }, ...graph.inputs.slice(1)], nodes: [cast, ...nodes] };
}

/** Names not yet used by the graph's values or inputs: `stem`, else `stem_1`, `stem_2`, … (each handed out once). */
function freshNames(graph: Graph): (stem: string) => string {
  const taken = new Set([...graph.initializers.keys(), ...graph.inputs.map((v) => v.name), ...graph.nodes.flatMap((n) => [...n.inputs, ...n.outputs])]);
  return (stem) => {
    let name = stem;
    for (let k = 1; taken.has(name); k++) name = `${stem}_${k}`;
    taken.add(name);
    return name;
  };
}

function guarded<T>(source: string, stage: string, f: () => T, bakedBatch?: number): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof TypeError || e instanceof RangeError) throw e; // bugs, not bad files: let them show as such
    // With a batch the exporter baked in, a constant built for that batch is the likely cause: say how to avoid it.
    const baked = bakedBatch === undefined ? '' : ` (the graph was exported with a fixed batch of ${bakedBatch}, which other constants of the graph seem to hold too; ${FIXED_BATCH_FIX})`;
    throw new ImportError(`${source}: ${stage}: ${(e as Error).message}${baked}`);
  }
}

const FIXED_BATCH_FIX = 'export with input_names=["input"], output_names=["output"] and dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}} (docs/pytorch.md)';

function checkInputs(graph: Graph, fail: (w: string) => never): ValueInfo[] {
  if (graph.inputs.length === 0) fail('the graph has no inputs; terrain feeds batches of samples');
  for (const input of graph.inputs) {
    if (input.dtype !== 'float32' && !INTEGER_INPUTS.has(input.dtype)) {
      fail(`input '${input.name}' is ${input.dtype}; terrain feeds float32 samples or int64/int32 token ids`);
    }
    if (input.shape.length < 2) fail(`input '${input.name}' has shape ${showShape(input.shape)}; expected [batch, …sample dims]`);
    const rest = input.shape.slice(1);
    if (!rest.every((d) => isStatic(d) && d > 0)) fail(`input '${input.name}' has shape ${showShape(input.shape)}; every dim after the batch must be fixed`);
  }
  const batch = graph.inputs[0]!.shape[0];
  const other = graph.inputs.find((v) => v.shape[0] !== batch);
  if (other) fail(`inputs '${graph.inputs[0]!.name}' and '${other.name}' have different batch dims (${batch} and ${other.shape[0]}); export them with one batch axis`);
  return graph.inputs;
}

/**
 * The output per sample: logits [classes], token logits [T, vocabulary] (language models, --loss token-cross-entropy)
 * or one value (a per-sample loss, --loss model; a one-logit classifier). Every dim after the batch fixed.
 */
function checkOutput(env: ShapeEnv, bakedBatch: number | undefined, fail: (w: string) => never): number[] {
  const t = env.type(LOGITS);
  const rest = t.shape.slice(1);
  if (t.shape.length < 1 || t.shape.length > 3 || !rest.every((d) => isStatic(d) && d > 0)) {
    fail(`the output should be logits [batch, classes] (or [batch, T, vocabulary] token logits, or a per-sample value [batch]), got ${showShape(t.shape)}`);
  }
  if (bakedBatch !== undefined && isStatic(t.shape[0]!)) {
    fail(`the graph was exported with a fixed batch of ${bakedBatch} that terrain could not make variable (the output stays ${showShape(t.shape)}); ${FIXED_BATCH_FIX}`);
  }
  if (t.dtype !== 'float32') fail(`the output is ${t.dtype}; expected float32 logits`);
  return rest as number[];
}

/**
 * A baked batch counts as freed only if the graph's shapes also work out at a batch the exporter never saw: with the
 * batch fixed to baked + 1, static shape inference must reach the output with that batch (a constant still holding
 * the baked size, e.g. attention's [T, batch·heads, d] Reshape, fails here instead of in ORT, or silently).
 */
function checkBatchFreed(g: Graph, baked: number, fail: (w: string) => never): void {
  const probe = baked + 1;
  const at = (v: ValueInfo): ValueInfo => ({ ...v, shape: v.shape.map((d) => (d === BATCH ? probe : d)) });
  let reason: string | undefined;
  try {
    const out = inferShapes({ ...g, inputs: g.inputs.map(at) }).shape(LOGITS);
    if (out[0] !== probe) reason = `the output is ${showShape(out)}`;
  } catch (e) {
    if (e instanceof TypeError || e instanceof RangeError) throw e;
    reason = (e as Error).message;
  }
  if (reason !== undefined) fail(`the graph was exported with a fixed batch of ${baked} that terrain could not make variable (at batch ${probe}: ${reason}); ${FIXED_BATCH_FIX}`);
}

/** The class count a model records: the last output dim (the vocabulary for token logits), 1 for a per-sample value. */
const classesOf = (perSample: readonly number[]): number => perSample.at(-1) ?? 1;

/** Refuses graphs with outputs no op makes, or values over MAX_VALUE_ELEMENTS / MAX_TOTAL_ELEMENTS per sample. */
function checkSizes(g: Graph, env: ShapeEnv, fail: (w: string) => never): void {
  let total = 0;
  for (const n of g.nodes) {
    for (const o of n.outputs) {
      if (!o) continue;
      if (!env.has(o)) fail(`node '${n.name}' (${n.op}) lists an output '${o}' that ${n.op} does not produce`);
      let count = 1;
      for (const d of env.shape(o)) count *= perSample(d);
      if (!(count <= MAX_VALUE_ELEMENTS)) fail(`node '${n.name}' (${n.op}) would compute '${o}' of shape ${showShape(env.shape(o))}, more than ${MAX_VALUE_ELEMENTS} elements per sample`);
      total += count;
      if (total > MAX_TOTAL_ELEMENTS) fail(`the graph's values add up to more than ${MAX_TOTAL_ELEMENTS} elements per sample (at node '${n.name}')`);
    }
  }
}

/** A dim's size with every symbol (the batch) counted as 1: "4*N" → 4. */
function perSample(d: Dim): number {
  if (isStatic(d)) return d;
  return d.split('*').reduce((p, f) => p * (/^\d+$/.test(f) ? Number(f) : 1), 1);
}

/** The graph with its input called "input", its output "logits", and the batch dim called BATCH; and the renaming. */
function renameIo(g: Graph, inName: string, outName: string): [Graph, (name: string) => string] {
  const taken = new Set<string>([...g.initializers.keys(), ...g.nodes.flatMap((n) => [...n.inputs, ...n.outputs])]);
  const map = new Map<string, string>([[inName, INPUT], [outName, LOGITS]]);
  // Internal values that already use terrain's names move aside first.
  for (const reserved of [INPUT, LOGITS]) {
    if (taken.has(reserved) && reserved !== inName && reserved !== outName && !map.has(reserved)) {
      let k = 1;
      while (taken.has(`${reserved}_${k}`)) k++;
      map.set(reserved, `${reserved}_${k}`);
    }
  }
  if (inName === outName) throw new ImportError(`the graph's input '${inName}' is also its output`);
  const r = (x: string): string => map.get(x) ?? x;
  const batch = g.inputs[0]!.shape[0]!;
  const dims = (s: Dim[]): Dim[] => s.map((d) => (d === batch ? BATCH : d));
  const initializers = new Map([...g.initializers].map(([k, t]) => [r(k), t]));
  return [{
    ...g,
    inputs: g.inputs.map((v) => ({ ...v, name: r(v.name), shape: dims(v.shape) })),
    outputs: g.outputs.map((v) => ({ ...v, name: r(v.name), shape: dims(v.shape) })),
    nodes: g.nodes.map((n) => ({ ...n, inputs: n.inputs.map((x) => (x ? r(x) : x)), outputs: n.outputs.map(r) })),
    initializers,
  }, r];
}
