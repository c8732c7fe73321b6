// ONNX ModelProto <-> terrain Graph, through the onnx-proto (protobufjs) bindings.
import onnxProto from 'onnx-proto';
import type { Attribute, Dim, Graph, Node, ValueInfo } from './graph.js';
import { allocateData, sizeOf, viewData, type DType, type Tensor, type TensorData } from './tensor.js';
import { InputError } from './errors.js';

const { onnx } = onnxProto;

const ELEM: Record<DType, number> = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float64: 11 };
const ELEM_BACK: Record<number, DType> = { 1: 'float32', 2: 'uint8', 3: 'int8', 6: 'int32', 7: 'int64', 9: 'bool', 11: 'float64' };
const BYTES: Record<DType, number> = { float32: 4, uint8: 1, int8: 1, int32: 4, int64: 8, bool: 1, float64: 8 };

export class OnnxFormatError extends InputError {}

function dtypeOf(elemType: number, where: string): DType {
  const d = ELEM_BACK[elemType];
  if (!d) throw new OnnxFormatError(`${where}: unsupported tensor element type ${elemType} (supported: float, double, int64, int32, int8, uint8, bool)`);
  return d;
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v && typeof v === 'object' && 'toString' in v) return Number((v as { toString(): string }).toString());
  return Number(v);
}

function toBigInt(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(v);
  return BigInt((v as { toString(): string }).toString());
}

// ---- writing ----

function tensorToProto(name: string, t: Tensor): onnxProto.onnx.ITensorProto {
  const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return { name, dims: t.dims, dataType: ELEM[t.dtype], rawData: bytes };
}

function valueInfoToProto(v: ValueInfo): onnxProto.onnx.IValueInfoProto {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: ELEM[v.dtype],
        shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attributeToProto(name: string, a: Attribute): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.type) {
    case 'int': return { name, type: T.INT, i: a.value };
    case 'float': return { name, type: T.FLOAT, f: a.value };
    case 'string': return { name, type: T.STRING, s: new TextEncoder().encode(a.value) };
    case 'ints': return { name, type: T.INTS, ints: a.value };
    case 'floats': return { name, type: T.FLOATS, floats: a.value };
    case 'strings': return { name, type: T.STRINGS, strings: a.value.map((s) => new TextEncoder().encode(s)) };
    case 'tensor': return { name, type: T.TENSOR, t: tensorToProto('', a.value) };
  }
}

/** Serialises a graph as an ONNX model (IR version 8). */
export function toOnnxBytes(g: Graph, opts: { initializers?: boolean } = {}): Uint8Array {
  const withInit = opts.initializers ?? true;
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'terrain',
    opsetImport: [{ domain: '', version: g.opset }],
    graph: {
      name: g.name,
      node: g.nodes.map((n) => ({
        name: n.name,
        opType: n.op,
        domain: n.domain ?? '',
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attrs).map(([k, a]) => attributeToProto(k, a)),
      })),
      initializer: withInit ? [...g.initializers].map(([k, t]) => tensorToProto(k, t)) : [],
      input: g.inputs.map(valueInfoToProto),
      output: g.outputs.map(valueInfoToProto),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

// ---- reading ----

export function tensorFromProto(p: onnxProto.onnx.ITensorProto, where: string): Tensor {
  const dtype = dtypeOf(p.dataType ?? 0, where);
  const dims = (p.dims ?? []).map(toNumber);
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new OnnxFormatError(`${where}: invalid dimension ${d}`);
  }
  const n = sizeOf(dims);
  if (n > 2 ** 31) throw new OnnxFormatError(`${where}: tensor of ${n} elements is too large`);
  if (p.dataLocation === 1) throw new OnnxFormatError(`${where}: external tensor data is not supported; re-export with the weights inside the .onnx file`);
  const raw = p.rawData && p.rawData.length > 0 ? p.rawData : undefined;
  if (raw) {
    const expected = n * BYTES[dtype];
    if (raw.length !== expected) throw new OnnxFormatError(`${where}: raw_data holds ${raw.length} bytes, shape [${dims}] of ${dtype} needs ${expected}`);
    const copy = new Uint8Array(raw).buffer; // aligned copy
    return { dtype, dims, data: viewData(dtype, copy) };
  }
  const src: ArrayLike<unknown> =
    dtype === 'float32' ? p.floatData ?? [] :
    dtype === 'float64' ? p.doubleData ?? [] :
    dtype === 'int64' ? p.int64Data ?? [] :
    p.int32Data ?? [];
  // Checked before allocating: a forged shape must not reserve gigabytes for values the file does not hold.
  if (src.length !== n) throw new OnnxFormatError(`${where}: holds ${src.length} values, shape [${dims}] needs ${n}`);
  const data = allocateData(dtype, n);
  if (data instanceof BigInt64Array) for (let i = 0; i < n; i++) data[i] = toBigInt(src[i]);
  else for (let i = 0; i < n; i++) (data as Float32Array)[i] = toNumber(src[i]);
  return { dtype, dims, data };
}

function valueInfoFromProto(v: onnxProto.onnx.IValueInfoProto): ValueInfo {
  const tt = v.type?.tensorType;
  const name = v.name ?? '';
  if (!tt) throw new OnnxFormatError(`value '${name}': only tensor inputs and outputs are supported`);
  const shape: Dim[] = (tt.shape?.dim ?? []).map((d, i) =>
    d.dimValue !== undefined && d.dimValue !== null && toNumber(d.dimValue) > 0 ? toNumber(d.dimValue) : d.dimParam || `d${i}`);
  return { name, dtype: dtypeOf(tt.elemType ?? 0, `value '${name}'`), shape };
}

function attributeFromProto(a: onnxProto.onnx.IAttributeProto, where: string): Attribute {
  const T = onnx.AttributeProto.AttributeType;
  const dec = new TextDecoder();
  switch (a.type) {
    case T.INT: return { type: 'int', value: toNumber(a.i ?? 0) };
    case T.FLOAT: return { type: 'float', value: a.f ?? 0 };
    case T.STRING: return { type: 'string', value: dec.decode(a.s ?? new Uint8Array()) };
    case T.INTS: return { type: 'ints', value: (a.ints ?? []).map(toNumber) };
    case T.FLOATS: return { type: 'floats', value: [...(a.floats ?? [])] };
    case T.STRINGS: return { type: 'strings', value: (a.strings ?? []).map((s) => dec.decode(s)) };
    case T.TENSOR: return { type: 'tensor', value: tensorFromProto(a.t ?? {}, `${where} attribute '${a.name}'`) };
    default: throw new OnnxFormatError(`${where}: attribute '${a.name}' has unsupported type ${a.type}`);
  }
}

/** Parses ONNX model bytes. Malformed input raises OnnxFormatError naming what is wrong. */
export function fromOnnxBytes(bytes: Uint8Array, source = 'model'): Graph {
  let model: onnxProto.onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new OnnxFormatError(`${source}: not a valid ONNX protobuf (${(e as Error).message})`);
  }
  const g = model.graph;
  if (!g) throw new OnnxFormatError(`${source}: the model has no graph`);
  const opset = (model.opsetImport ?? []).filter((o) => !o.domain || o.domain === 'ai.onnx').map((o) => toNumber(o.version ?? 0))[0] ?? 13;
  const initializers = new Map<string, Tensor>();
  for (const t of g.initializer ?? []) initializers.set(t.name ?? '', tensorFromProto(t, `${source}: initializer '${t.name}'`));
  const nodes: Node[] = (g.node ?? []).map((n, i) => {
    const name = n.name || `${n.opType}_${i}`;
    const attrs: Record<string, Attribute> = {};
    for (const a of n.attribute ?? []) attrs[a.name ?? ''] = attributeFromProto(a, `${source}: node '${name}' (${n.opType})`);
    return { name, op: n.opType ?? '', domain: n.domain ?? '', inputs: [...(n.input ?? [])], outputs: [...(n.output ?? [])], attrs };
  });
  return {
    name: g.name ?? 'graph',
    opset,
    inputs: (g.input ?? []).filter((v) => !initializers.has(v.name ?? '')).map(valueInfoFromProto),
    outputs: (g.output ?? []).map(valueInfoFromProto),
    nodes,
    initializers,
  };
}
