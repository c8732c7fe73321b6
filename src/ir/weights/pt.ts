// PyTorch .pt/.pth files: the zip archive torch.save writes (PyTorch ≥ 1.6), holding data.pkl and one entry per
// storage under data/. Returns the state_dict's tensors by name, copied out of their storages with their strides
// (views and transposes come out as they look in PyTorch), half and bfloat16 widened to float32.
// Hostile input: every size, stride and offset is checked against the storage bytes actually present, and the
// total a file may make us allocate is bounded by a small multiple of its own size.
import { allocateData, type DType, type Tensor, type TensorData } from '../tensor.js';
import { isMap, isPlaceholder, isTensorRef, parseTorchPickle, PickleError, type TensorRef } from './torch-pickle.js';
import { listZip, readZip, ZipError } from './zip.js';
import { InputError } from '../errors.js';

export class TorchFileError extends InputError {
  override name = 'TorchFileError';
}

export interface TorchStateDict {
  tensors: Map<string, Tensor>;
  /** Entries that are not tensors (e.g. _extra_state, hyper-parameters next to the weights), by key. */
  skipped: string[];
  /** Where in the file the state_dict was found: '' for the top level, else the key (e.g. "state_dict"). */
  foundAt: string;
}

/** Largest data.pkl read: a state_dict of 40,000 tensors needs about 4 MB; the cap bounds what a forged one costs. */
export const MAX_PICKLE_BYTES = 4 * 2 ** 20;
const NESTED_KEYS = ['state_dict', 'model_state_dict', 'model', 'net', 'module', 'weights', 'params'];

export function decodeTorchSave(bytes: Uint8Array, source: string): TorchStateDict {
  const fail = (what: string): never => { throw new TorchFileError(`${source}: ${what}`); };
  if (bytes.length >= 2 && bytes[0] === 0x80 && bytes[1]! <= 5) {
    fail('legacy torch.save format (PyTorch < 1.6, a bare pickle); load it in PyTorch and save it again with torch.save(model.state_dict(), path)');
  }
  if (!(bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04)) {
    fail('not a torch.save archive (expected a zip file starting with "PK"); save with torch.save(model.state_dict(), path)');
  }
  try {
    return decodeArchive(bytes, source, fail);
  } catch (e) {
    if (e instanceof ZipError) throw new TorchFileError(e.message);
    if (e instanceof PickleError) throw new TorchFileError(`${source}: data.pkl: ${e.message}`);
    // Only hostile object graphs reach here (e.g. an object whose prototype the pickle replaced).
    if (e instanceof TypeError || e instanceof RangeError) throw new TorchFileError(`${source}: data.pkl builds objects that are not a state_dict (${e.message})`);
    throw e;
  }
}

function decodeArchive(bytes: Uint8Array, source: string, fail: (w: string) => never): TorchStateDict {
  const entries = listZip(bytes, source);
  if (entries.some((e) => /^[^/]+\/constants\.pkl$/.test(e.name) || /^[^/]+\/code\//.test(e.name))) {
    fail('a TorchScript archive (torch.jit.save); give the weights as torch.save(model.state_dict(), path)');
  }
  const pkl = entries.filter((e) => /^[^/]+\/data\.pkl$/.test(e.name));
  if (pkl.length !== 1) fail(`expected one <archive>/data.pkl entry, found ${pkl.length} among ${entries.length} entries`);
  const prefix = pkl[0]!.name.slice(0, -'data.pkl'.length);
  if (pkl[0]!.size > MAX_PICKLE_BYTES) fail(`data.pkl is ${pkl[0]!.size} bytes; more than the ${MAX_PICKLE_BYTES}-byte limit for a state_dict`);
  const head = readZip(bytes, source, (n) => n === `${prefix}data.pkl` || n === `${prefix}byteorder`);
  const order = head.get(`${prefix}byteorder`);
  if (order && new TextDecoder().decode(order).trim() !== 'little') fail('big-endian tensors are not supported');
  const { refs, skipped, foundAt } = findStateDict(parseTorchPickle(head.get(`${prefix}data.pkl`)!), fail);

  const keys = new Set([...refs.values()].map((r) => r.storage.key));
  const storages = readZip(bytes, source, (n) => n.startsWith(`${prefix}data/`) && keys.has(n.slice(prefix.length + 5)));
  let budget = 2 * bytes.length + 2 ** 20;
  const tensors = new Map<string, Tensor>();
  for (const [name, ref] of refs) {
    const raw = storages.get(`${prefix}data/${ref.storage.key}`);
    if (!raw) fail(`tensor '${name}': storage data/${ref.storage.key} is missing from the archive`);
    const t = materialize(name, ref, raw!, fail);
    budget -= t.data.byteLength;
    if (budget < 0) fail(`tensors total more than twice the file's size (views of shared storages?); refusing`);
    tensors.set(name, t);
  }
  return { tensors, skipped, foundAt };
}

function findStateDict(root: unknown, fail: (w: string) => never): { refs: Map<string, TensorRef>; skipped: string[]; foundAt: string } {
  const moduleHint = (what: string, v: unknown): never =>
    fail(`${what} a pickled object of class ${isPlaceholder(v) ? v.qualname : 'unknown'}, not a state_dict; save model.state_dict() instead`);
  const tensorsOf = (m: Map<unknown, unknown>) => {
    const refs = new Map<string, TensorRef>();
    const skipped: string[] = [];
    for (const [k, v] of m) {
      if (typeof k === 'string' && isTensorRef(v)) refs.set(k, v);
      else skipped.push(String(k));
    }
    return { refs, skipped };
  };
  if (!isMap(root)) return isPlaceholder(root) ? moduleHint('the file holds', root) : fail('the file holds no dict of tensors');
  const top = tensorsOf(root);
  if (top.refs.size > 0) return { ...top, foundAt: '' };
  const nested = [...root].filter(([k, v]) => typeof k === 'string' && isMap(v) && tensorsOf(v).refs.size > 0) as [string, Map<unknown, unknown>][];
  const preferred = nested.filter(([k]) => NESTED_KEYS.includes(k));
  const pick = nested.length === 1 ? nested[0] : preferred.length === 1 ? preferred[0] : undefined;
  if (pick) return { ...tensorsOf(pick[1]), foundAt: pick[0] };
  for (const k of NESTED_KEYS) if (isPlaceholder(root.get(k))) moduleHint(`key '${k}' holds`, root.get(k));
  const keys = [...root.keys()].map(String).slice(0, 20).join(', ');
  return fail(nested.length > 1
    ? `several entries hold tensors (${nested.map(([k]) => k).join(', ')}); save the one state_dict you mean`
    : `no state_dict found: the top-level dict has keys [${keys}] and none holds tensors`);
}

/** Copies a (possibly strided) tensor out of its storage bytes. */
function materialize(name: string, ref: TensorRef, raw: Uint8Array, fail: (w: string) => never): Tensor {
  const { storage, offset, size, stride } = ref;
  const kind = storage.type;
  if (raw.length !== storage.numel * kind.bytes) fail(`tensor '${name}': storage ${storage.key} should hold ${storage.numel} ${kind.torch} values (${storage.numel * kind.bytes} bytes), found ${raw.length} bytes`);
  let numel = 1, last = offset;
  for (let a = 0; a < size.length; a++) {
    numel *= size[a]!;
    last += (size[a]! - 1) * stride[a]!;
  }
  if (numel > 0 && !(last < storage.numel)) fail(`tensor '${name}' of size [${size}], stride [${stride}], offset ${offset} reaches element ${last} of a ${storage.numel}-element storage`);
  if (numel > storage.numel) fail(`tensor '${name}' has ${numel} elements viewing a storage of ${storage.numel} (an expanded tensor); save a contiguous copy`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const read = reader(kind.torch, view);
  const data = allocateData(kind.dtype, numel);
  const idx = new Array<number>(size.length).fill(0);
  let at = offset;
  for (let k = 0; k < numel; k++) {
    (data as unknown as { [i: number]: number | bigint })[k] = read(at);
    for (let a = size.length - 1; a >= 0; a--) {
      at += stride[a]!;
      if (++idx[a]! < size[a]!) break;
      at -= stride[a]! * size[a]!;
      idx[a] = 0;
    }
  }
  return { dtype: kind.dtype, dims: [...size], data };
}

function reader(torch: string, v: DataView): (i: number) => number | bigint {
  switch (torch) {
    case 'float32': return (i) => v.getFloat32(4 * i, true);
    case 'float64': return (i) => v.getFloat64(8 * i, true);
    case 'float16': return (i) => halfToFloat(v.getUint16(2 * i, true));
    case 'bfloat16': return (i) => bfloatToFloat(v.getUint16(2 * i, true));
    case 'int64': return (i) => v.getBigInt64(8 * i, true);
    case 'int32': return (i) => v.getInt32(4 * i, true);
    case 'int16': return (i) => v.getInt16(2 * i, true);
    case 'int8': return (i) => v.getInt8(i);
    case 'uint8': return (i) => v.getUint8(i);
    case 'bool': return (i) => (v.getUint8(i) ? 1 : 0);
    default: throw new Error(`internal: no reader for ${torch}`);
  }
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function bfloatToFloat(h: number): number {
  u32[0] = h << 16;
  return f32[0]!;
}

/** IEEE half → number (exact: every half is a float32). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f, frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
