// The pickle inside a torch.save archive (data.pkl), read with pickleparser. Only the few callables a state_dict
// needs are given meaning (OrderedDict, the tensor/parameter rebuilders, storage types); every other global becomes
// an inert placeholder, so a hostile pickle can name anything but run nothing. Tensors come out as TensorRef:
// where their elements lie in which storage, still to be read from the archive (./pt.ts).
import pickleparser from 'pickleparser';
import type { DType } from '../tensor.js';
import { scanPickle } from './pickle-scan.js';
import { InputError } from '../errors.js';

const { Parser, NameRegistry } = pickleparser;

export class PickleError extends InputError {
  override name = 'PickleError';
}

/** Storage element types: what each is read as, its size in the file, and the terrain dtype it becomes. */
export interface StorageKind {
  torch: string;
  bytes: number;
  dtype: DType;
}

const STORAGE_KINDS: Record<string, StorageKind> = {
  FloatStorage: { torch: 'float32', bytes: 4, dtype: 'float32' },
  DoubleStorage: { torch: 'float64', bytes: 8, dtype: 'float64' },
  HalfStorage: { torch: 'float16', bytes: 2, dtype: 'float32' },
  BFloat16Storage: { torch: 'bfloat16', bytes: 2, dtype: 'float32' },
  LongStorage: { torch: 'int64', bytes: 8, dtype: 'int64' },
  IntStorage: { torch: 'int32', bytes: 4, dtype: 'int32' },
  ShortStorage: { torch: 'int16', bytes: 2, dtype: 'int32' },
  CharStorage: { torch: 'int8', bytes: 1, dtype: 'int8' },
  ByteStorage: { torch: 'uint8', bytes: 1, dtype: 'uint8' },
  BoolStorage: { torch: 'bool', bytes: 1, dtype: 'bool' },
};

export interface StorageRef {
  readonly kind: 'storage';
  key: string;
  type: StorageKind;
  numel: number;
}

export interface TensorRef {
  readonly kind: 'tensor';
  storage: StorageRef;
  offset: number;
  size: number[];
  stride: number[];
}

/** A global the pickle named that terrain gives no meaning (e.g. a pickled nn.Module class). */
export interface Placeholder {
  readonly kind: 'placeholder';
  qualname: string;
}

/** The storage type markers registered for torch.FloatStorage etc., by identity (attributes could be forged). */
const storageTypes = new WeakMap<object, StorageKind>();

/** Tensors and storages made by the rebuilders below; a pickle can forge look-alike objects, never members. */
const genuine = new WeakSet<object>();
export const isTensorRef = (v: unknown): v is TensorRef => typeof v === 'object' && v !== null && genuine.has(v) && (v as TensorRef).kind === 'tensor';
const isStorageRef = (v: unknown): v is StorageRef => typeof v === 'object' && v !== null && genuine.has(v) && (v as StorageRef).kind === 'storage';
export const isPlaceholder = (v: unknown): v is Placeholder => typeof v === 'object' && v !== null && (v as Placeholder).kind === 'placeholder';

const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function intList(v: unknown, what: string): number[] {
  if (!Array.isArray(v) || v.length > 32 || !v.every(isIndex)) throw new PickleError(`${what} should be a tuple of non-negative integers, got ${describe(v)}`);
  return v as number[];
}

/**
 * A real Map (brand check): a pickle's BUILD can give any object a Map as prototype ('__proto__' in its state), which
 * `instanceof Map` accepts and whose Map methods then throw.
 */
export function isMap(v: unknown): v is Map<unknown, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  try {
    Map.prototype.has.call(v, undefined);
    return true;
  } catch {
    return false;
  }
}

/** Qualified names of the placeholder classes, for messages. */
const globalNames = new WeakMap<object, string>();

function describe(v: unknown): string {
  if (typeof v === 'function') return globalNames.get(v) ?? 'a function';
  if (Array.isArray(v)) return `a ${v.length}-tuple`;
  if (isMap(v)) return 'a dict';
  if (isPlaceholder(v)) return v.qualname;
  return typeof v === 'object' ? 'an object' : JSON.stringify(v)?.slice(0, 40) ?? String(v);
}

function rebuildTensor(storage: unknown, offset: unknown, size: unknown, stride: unknown): TensorRef {
  if (!isStorageRef(storage)) {
    throw new PickleError(`a tensor's storage should be a persistent storage reference, got ${describe(storage)}`);
  }
  if (!isIndex(offset)) throw new PickleError(`a tensor's storage offset should be a non-negative integer, got ${describe(offset)}`);
  const dims = intList(size, 'a tensor size'), steps = intList(stride, 'a tensor stride');
  if (dims.length !== steps.length) throw new PickleError(`a tensor has size of rank ${dims.length} but stride of rank ${steps.length}`);
  // Frozen copies: a later BUILD or APPEND opcode must not change a tensor after it was checked.
  const t: TensorRef = Object.freeze({ kind: 'tensor', storage, offset, size: Object.freeze([...dims]) as number[], stride: Object.freeze([...steps]) as number[] });
  genuine.add(t);
  return t;
}

/** A placeholder class: constructing or calling it yields an inert object that records its name. */
function placeholder(module: string, name: string) {
  const qualname = `${module}.${name}`;
  const make = function (): Placeholder { return { kind: 'placeholder', qualname }; };
  globalNames.set(make, qualname);
  return make as unknown as (new (...args: unknown[]) => unknown);
}

function registry(): InstanceType<typeof NameRegistry> {
  const r = new (class extends NameRegistry {
    override onMissingName(module: string, name: string) {
      return placeholder(module, name);
    }
  })();
  r.register('collections', 'OrderedDict', (pairs?: unknown) => {
    const m = new Map<unknown, unknown>();
    if (Array.isArray(pairs)) for (const p of pairs) if (Array.isArray(p) && p.length === 2) m.set(p[0], p[1]);
    return m;
  });
  r.register('torch._utils', '_rebuild_tensor_v2', (storage: unknown, offset: unknown, size: unknown, stride: unknown) => rebuildTensor(storage, offset, size, stride));
  r.register('torch._utils', '_rebuild_tensor', (storage: unknown, offset: unknown, size: unknown, stride: unknown) => rebuildTensor(storage, offset, size, stride));
  r.register('torch._utils', '_rebuild_parameter', (data: unknown) => data);
  r.register('torch._utils', '_rebuild_parameter_with_state', (data: unknown) => data);
  r.register('torch._tensor', '_rebuild_from_type_v2', (func: unknown, _type: unknown, args: unknown) => {
    if (typeof func !== 'function' || !Array.isArray(args)) throw new PickleError('_rebuild_from_type_v2 needs a rebuild function and its arguments');
    return (func as (...a: unknown[]) => unknown)(...args);
  });
  for (const [name, type] of Object.entries(STORAGE_KINDS)) {
    const marker = () => { throw new PickleError(`torch.${name} cannot be called here`); };
    storageTypes.set(marker, type);
    r.register('torch', name, marker);
  }
  return r;
}

function persistent(pid: unknown): StorageRef {
  if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5) throw new PickleError(`unknown persistent id ${describe(pid)}; expected ('storage', type, key, location, numel)`);
  const [, type, key, , numel] = pid as [string, unknown, unknown, unknown, unknown];
  const kind = typeof type === 'function' ? storageTypes.get(type) : undefined;
  if (!kind) throw new PickleError(`storage type ${describe(type)} is not supported (float, double, half, bfloat16, long, int, short, char, byte, bool)`);
  if (typeof key !== 'string' || !/^[\w.-]{1,64}$/.test(key)) throw new PickleError(`storage key ${describe(key)} is not a plain name`);
  if (!isIndex(numel)) throw new PickleError(`storage '${key}' has element count ${describe(numel)}`);
  const ref: StorageRef = Object.freeze({ kind: 'storage', key, type: kind, numel });
  genuine.add(ref);
  return ref;
}

/** Unpickles data.pkl; any failure of the pickle itself is a PickleError. */
export function parseTorchPickle(bytes: Uint8Array): unknown {
  const storages = new Map<string, StorageRef>();
  const parser = new Parser({
    nameResolver: registry(),
    persistentResolver: {
      resolve: (pid: unknown) => {
        const s = persistent(pid);
        const seen = storages.get(s.key);
        if (seen && (seen.numel !== s.numel || seen.type !== s.type)) throw new PickleError(`storage '${s.key}' is described twice, differently`);
        storages.set(s.key, seen ?? s);
        return seen ?? s;
      },
    },
    unpicklingTypeOfDictionary: 'Map',
    unpicklingTypeOfSet: 'array',
  });
  // pickleparser console.warns for every integer above 2^53: a forged pickle could print millions of lines.
  const warn = console.warn;
  console.warn = () => {};
  try {
    scanPickle(bytes); // bounds what pickleparser would do slowly, before it starts
    return parser.parse(bytes);
  } catch (e) {
    if (e instanceof PickleError) throw e;
    throw new PickleError(`malformed pickle (${(e as Error).message})`);
  } finally {
    console.warn = warn;
  }
}
