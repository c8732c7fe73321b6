// Imported graphs of opsets 18–20 brought to the one form the rest of terrain works on: opset 17. Autodiff's rules,
// the loss and the train-mode BN rewrite emit opset-13–17 nodes (ReduceMean with axes as an attribute), so instead
// of making every emitter opset-aware, each node whose signature changed after 17 is rewritten to its opset-17
// form, ops new in 18–20 that PyTorch exports are lowered to primitives that have gradient rules, and everything
// else that changed is refused by name. Per ONNX's changelog:
//  18: Reduce* (not ReduceSum, already an input since 13) take axes as an input → attribute (constant axes only);
//      Split's num_outputs → equal split or explicit sizes (the last chunk smaller); Pad's axes input → full pads;
//      Resize's antialias / axes / keep_aspect_ratio_policy, ScatterElements/ScatterND max|min reductions and
//      LpPool's ceil_mode / dilations refused unless at their defaults; GroupNormalization and Mish lowered
//      (./opset-lowering.ts); Col2Im, Bitwise*, CenterCropPad refused.
//  19: AveragePool's dilations (only 1s pass), Cast/CastLike/QuantizeLinear's saturate (float8 only: dropped), Pad's 'wrap' mode
//      refused, Resize's half_pixel_symmetric refused, DeformConv refused; the others only add types.
//  20: Gelu lowered (approximate 'none' and 'tanh'); GridSample's mode names mapped back ('linear' → 'bilinear',
//      'cubic' → 'bicubic'); DFT (axis as an input), AffineGrid, ImageDecoder and string ops refused; ReduceMax/Min,
//      ConstantOfShape, IsInf/IsNaN only add types.
import { attr, cloneGraph, getInt, getInts, getString, type Attribute, type Graph, type Node } from '../graph.js';
import { ShapeEnv } from '../shapes/index.js';
import type { Tensor } from '../tensor.js';
import { LOWERINGS, type Rewriter } from './opset-lowering.js';
import { InputError } from '../errors.js';

export const IMPORT_MIN_OPSET = 13;
export const IMPORT_MAX_OPSET = 20;
/** The opset imported graphs are brought to (autodiff's MAX_OPSET). */
export const INTERNAL_OPSET = 17;

export class OpsetError extends InputError {
  override name = 'OpsetError';
}

const AXES_INPUT = new Set(['ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare']);

const NO_OPSET17_FORM: Record<string, string> = {
  Col2Im: 'new in opset 18', BitwiseAnd: 'new in opset 18', BitwiseOr: 'new in opset 18', BitwiseXor: 'new in opset 18',
  BitwiseNot: 'new in opset 18', CenterCropPad: 'new in opset 18', DeformConv: 'new in opset 19', AffineGrid: 'new in opset 20',
  ImageDecoder: 'new in opset 20', RegexFullMatch: 'new in opset 20', StringConcat: 'new in opset 20', StringSplit: 'new in opset 20',
  DFT: 'opset 20 made its axis an input',
};

/** The graph in opset-17 form (the same graph when its opset is 13–17); OpsetError names what cannot be brought. */
export function toInternalOpset(input: Graph): Graph {
  if (input.opset < IMPORT_MIN_OPSET || input.opset > IMPORT_MAX_OPSET) {
    throw new OpsetError(`opset ${input.opset}; terrain imports opsets ${IMPORT_MIN_OPSET}–${IMPORT_MAX_OPSET}: export with opset_version=17`);
  }
  if (input.opset <= INTERNAL_OPSET) return input;
  const g = cloneGraph(input);
  const r = new GraphRewriter(g);
  for (const node of g.nodes) r.visit(node);
  g.nodes = r.out;
  g.opset = INTERNAL_OPSET;
  const read = new Set(g.nodes.flatMap((n) => n.inputs));
  for (const k of r.consumed) if (!read.has(k) && !g.outputs.some((o) => o.name === k)) g.initializers.delete(k);
  return g;
}

class GraphRewriter implements Rewriter {
  readonly env: ShapeEnv;
  readonly out: Node[] = [];
  /** Initializers whose contents became attributes (removed when nothing else reads them). */
  readonly consumed = new Set<string>();
  private readonly constants = new Map<string, Tensor>();
  private readonly used = new Set<string>();

  constructor(private readonly g: Graph) {
    this.env = new ShapeEnv(g);
    for (const [k, t] of g.initializers) this.constants.set(k, t);
    for (const v of [...g.inputs, ...g.outputs]) this.used.add(v.name);
    for (const k of g.initializers.keys()) this.used.add(k);
    for (const n of g.nodes) for (const v of [n.name, ...n.inputs, ...n.outputs]) this.used.add(v);
  }

  fresh(stem: string): string {
    let name = stem;
    for (let k = 1; this.used.has(name); k++) name = `${stem}_${k}`;
    this.used.add(name);
    return name;
  }

  emit(op: string, inputs: string[], attrs: Record<string, Attribute>, stem: string, output?: string): string {
    const out = output ?? this.fresh(`${stem}/${op}:out`);
    this.keep({ name: this.fresh(`${stem}/${op}`), op, inputs, outputs: [out], attrs });
    return out;
  }

  constant(t: Tensor, stem: string): string {
    return this.emit('Constant', [], { value: attr.tensor(t) }, stem);
  }

  keep(node: Node): void {
    this.out.push(node);
    if (node.op === 'Constant' && node.attrs['value']?.type === 'tensor') this.constants.set(node.outputs[0]!, node.attrs['value'].value);
    try {
      this.env.infer(node);
    } catch {
      // An op shape inference does not know: later rewrites that need its shape say so themselves.
    }
  }

  /** The contents of a constant integer input (an initializer or a Constant node). */
  ints(node: Node, i: number, what: string): number[] {
    const name = node.inputs[i]!;
    const t = this.constants.get(name);
    if (!t || (t.dtype !== 'int64' && t.dtype !== 'int32')) fail(node, `${what} (input ${i}, '${name}') is computed at run time; terrain needs it constant`);
    if (this.g.initializers.has(name)) this.consumed.add(name);
    return Array.from(t.data as ArrayLike<number | bigint>, Number);
  }

  visit(node: Node): void {
    if ((node.domain ?? '') !== '' && node.domain !== 'ai.onnx') { this.keep(node); return; }
    const why = NO_OPSET17_FORM[node.op];
    if (why) fail(node, `${node.op} (${why}) has no opset-17 form; export with opset_version=17`);
    const lower = LOWERINGS[node.op];
    if (lower) {
      try {
        lower(node, this);
      } catch (e) {
        throw e instanceof OpsetError ? e : new OpsetError((e as Error).message);
      }
      return;
    }
    if (AXES_INPUT.has(node.op)) this.reduce(node);
    else if (node.op === 'Split') this.split(node);
    else if (node.op === 'Pad') this.pad(node);
    else this.attributes(node);
  }

  private reduce(node: Node): void {
    const axes = node.inputs[1] ? this.ints(node, 1, 'axes') : [];
    const noop = getInt(node, 'noop_with_empty_axes', 0) === 1;
    delete node.attrs['noop_with_empty_axes'];
    node.inputs = node.inputs.slice(0, 1);
    if (axes.length === 0 && noop) {
      this.keep({ ...node, op: 'Identity', attrs: {} });
      return;
    }
    if (axes.length > 0) node.attrs['axes'] = attr.ints(axes);
    this.keep(node);
  }

  private split(node: Node): void {
    const parts = getInt(node, 'num_outputs', 0);
    delete node.attrs['num_outputs'];
    const x = node.inputs[0]!;
    const shape = this.env.has(x) ? this.env.shape(x) : undefined;
    const axis = getInt(node, 'axis', 0);
    const d = shape?.[axis < 0 ? axis + shape.length : axis];
    // Opset 18 splits unevenly into chunks of ceil(d / parts), the last one smaller; opset 17 needs the sizes.
    if (parts > 0 && !node.inputs[1] && typeof d === 'number' && d % parts !== 0) {
      const chunk = Math.ceil(d / parts);
      const sizes = Array.from({ length: parts }, (_, i) => Math.max(0, Math.min(chunk, d - i * chunk)));
      node.inputs = [x, this.constant({ dtype: 'int64', dims: [parts], data: BigInt64Array.from(sizes.map(BigInt)) }, node.name)];
    }
    this.keep(node);
  }

  private pad(node: Node): void {
    if (getString(node, 'mode', 'constant') === 'wrap') fail(node, "Pad mode 'wrap' (opset 19) has no opset-17 form");
    if (node.inputs[3]) {
      const axes = this.ints(node, 3, 'axes');
      const pads = this.ints(node, 1, 'pads');
      const x = node.inputs[0]!;
      if (!this.env.has(x)) fail(node, 'Pad with an axes input on a value of unknown rank');
      const rank = this.env.rank(x);
      const full = new Array<number>(2 * rank).fill(0);
      axes.forEach((a, i) => {
        const k = a < 0 ? a + rank : a;
        full[k] = pads[i]!;
        full[k + rank] = pads[i + axes.length]!;
      });
      node.inputs = [x, this.constant({ dtype: 'int64', dims: [full.length], data: BigInt64Array.from(full.map(BigInt)) }, node.name), node.inputs[2] ?? ''];
      while (node.inputs.length > 1 && !node.inputs[node.inputs.length - 1]) node.inputs.pop();
    }
    this.keep(node);
  }

  /** Attributes added after opset 17: dropped at their defaults, refused otherwise. */
  private attributes(node: Node): void {
    const drop = (key: string, isDefault: boolean, what: string) => {
      if (!node.attrs[key]) return;
      if (!isDefault) fail(node, `${what} has no opset-17 form`);
      delete node.attrs[key];
    };
    switch (node.op) {
      case 'AveragePool':
        drop('dilations', (getInts(node, 'dilations', []) ?? []).every((d) => d === 1), 'AveragePool with dilations (opset 19)');
        break;
      case 'Cast': case 'CastLike': case 'QuantizeLinear':
        delete node.attrs['saturate']; // only float8 targets saturate (opset 19), and terrain has none
        break;
      case 'Resize':
        drop('antialias', getInt(node, 'antialias', 0) === 0, 'Resize antialias (opset 18)');
        drop('axes', false, 'Resize axes (opset 18)');
        drop('keep_aspect_ratio_policy', getString(node, 'keep_aspect_ratio_policy', 'stretch') === 'stretch', 'Resize keep_aspect_ratio_policy (opset 18)');
        if (getString(node, 'coordinate_transformation_mode', '') === 'half_pixel_symmetric') fail(node, "Resize coordinate_transformation_mode 'half_pixel_symmetric' (opset 19) has no opset-17 form");
        break;
      case 'ScatterElements': case 'ScatterND':
        if (['max', 'min'].includes(getString(node, 'reduction', 'none'))) fail(node, `${node.op} reduction '${getString(node, 'reduction', 'none')}' (opset 18) has no opset-17 form`);
        break;
      case 'LpPool':
        drop('ceil_mode', getInt(node, 'ceil_mode', 0) === 0, 'LpPool ceil_mode (opset 18)');
        drop('dilations', (getInts(node, 'dilations', []) ?? []).every((d) => d === 1), 'LpPool dilations (opset 18)');
        break;
      case 'GridSample': {
        const mode = getString(node, 'mode', 'linear');
        node.attrs['mode'] = attr.string(mode === 'linear' ? 'bilinear' : mode === 'cubic' ? 'bicubic' : mode);
        break;
      }
      default:
    }
    this.keep(node);
  }
}

function fail(node: Node, what: string): never {
  throw new OpsetError(`node '${node.name}' (${node.op}): ${what}`);
}
