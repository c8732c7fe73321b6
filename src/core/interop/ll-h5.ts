// The two HDF5 files of tomgoldstein/loss-landscape ("LL", Li et al. 2018), read and written with h5wasm.
//
// Facts carried over from LL's source (h5_util.py, net_plotter.py, plot_surface.py, evaluation.py):
// - Direction file: groups `xdirection` and, for 2-D plots, `ydirection`; each holds one dataset per tensor, named
//   "0", "1", … in list order (h5_util.write_list / read_list), the numpy value of the torch tensor: float32 for
//   random directions (torch.randn), the parameters' dtype for target directions (get_diff_*), so a states target
//   direction's num_batches_tracked entry is a 0-D int64. The list order is model.parameters() for
//   dir_type='weights' and state_dict() order for dir_type='states'.
// - Surface file: float64 `xcoordinates` (np.linspace) and, for 2-D, `ycoordinates`; `train_loss`, `train_acc`
//   (and `test_*` when LL's test crunch is enabled), float64, shape (len(x),) or (len(x), len(y)), allocated as -1
//   and filled through ravel()[k] at the k-th point of meshgrid(x, y), i.e. x fastest; accuracy in percent;
//   `dir_file`, the direction file's path, as a string dataset.
import { resolve } from 'node:path';
import { InputError } from '../../ir/errors.js';

type H5 = typeof import('h5wasm/node');
let h5: Promise<H5> | undefined;

async function h5wasm(): Promise<H5> {
  h5 ??= import('h5wasm/node').then(async (m) => { await m.ready; return m; });
  return h5;
}

/** A file that is not what LL writes: names the file, the dataset and what was expected. */
export class LlFormatError extends InputError {
  override name = 'LlFormatError';
}

/** One entry of an LL direction list: a dataset's shape and values (float64 for exactness of any dtype). */
export interface LlTensor {
  shape: number[];
  data: Float64Array;
  dtype: string;
}

export interface LlDirections {
  x: LlTensor[];
  y?: LlTensor[];
}

export type LlSplit = 'train' | 'test';

export interface LlSurface {
  x: number[];
  y?: number[];
  /** Per split present: flat values, x fastest (value k at (x[k % nx], y[k div nx])); accuracy still in percent. */
  splits: Partial<Record<LlSplit, { loss: number[]; acc?: number[] }>>;
  dirFile?: string;
}

type File = InstanceType<H5['File']>;

async function openFile(path: string, mode: 'r' | 'w', what: string): Promise<{ f: File; m: H5 }> {
  const m = await h5wasm();
  try {
    return { f: new m.File(resolve(path), mode), m };
  } catch (e) {
    throw new LlFormatError(`${path}: cannot ${mode === 'r' ? 'open' : 'create'} the ${what} as HDF5 (${(e as Error).message})`);
  }
}

function numeric(v: unknown, where: string): Float64Array {
  if (typeof v === 'number') return Float64Array.of(v);
  if (typeof v === 'bigint') return Float64Array.of(Number(v));
  if (v instanceof BigInt64Array || v instanceof BigUint64Array) return Float64Array.from(v, Number);
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Float64Array.from(v as unknown as ArrayLike<number>);
  throw new LlFormatError(`${where} is not numeric`);
}

export async function readLlDirections(path: string): Promise<LlDirections> {
  const { f, m } = await openFile(path, 'r', 'direction file');
  try {
    const list = (name: string): LlTensor[] | undefined => {
      const g = f.get(name);
      if (g === null) return undefined;
      if (!(g instanceof m.Group)) throw new LlFormatError(`${path}: '${name}' is not a group of datasets "0", "1", … (LL's h5_util.write_list)`);
      const n = g.keys().length;
      return Array.from({ length: n }, (_, i) => {
        const d = g.get(String(i));
        if (!(d instanceof m.Dataset)) throw new LlFormatError(`${path}: '${name}' holds ${n} entries but no dataset '${name}/${i}'; LL names them 0…${n - 1}`);
        return { shape: d.shape ?? [], data: numeric(d.value, `${path}: dataset '${name}/${i}'`), dtype: String(d.dtype) };
      });
    };
    const x = list('xdirection');
    if (!x) throw new LlFormatError(`${path}: no group 'xdirection'; give the direction file LL's plot_surface.py wrote (its surface file names it in 'dir_file')`);
    const y = list('ydirection');
    return y ? { x, y } : { x };
  } finally {
    f.close();
  }
}

/** Writes LL's direction file: float32 datasets "0", "1", … under xdirection (and ydirection). */
export async function writeLlDirections(path: string, dirs: { x: LlTensor[]; y?: LlTensor[] }, attributes: Record<string, string> = {}): Promise<void> {
  const { f } = await openFile(path, 'w', 'direction file');
  try {
    const put = (name: string, list: LlTensor[]): void => {
      const g = f.create_group(name);
      list.forEach((t, i) => g.create_dataset({ name: String(i), data: Float32Array.from(t.data), shape: t.shape, dtype: '<f' }));
    };
    put('xdirection', dirs.x);
    if (dirs.y) put('ydirection', dirs.y);
    for (const [k, v] of Object.entries(attributes)) f.create_attribute(k, v);
  } finally {
    f.close();
  }
}

export async function readLlSurface(path: string): Promise<LlSurface> {
  const { f, m } = await openFile(path, 'r', 'surface file');
  try {
    const keys = f.keys();
    const read = (name: string): { data: Float64Array; shape: number[] } | undefined => {
      const d = f.get(name);
      if (d === null) return undefined;
      if (!(d instanceof m.Dataset)) throw new LlFormatError(`${path}: '${name}' is not a dataset`);
      return { data: numeric(d.value, `${path}: dataset '${name}'`), shape: d.shape ?? [] };
    };
    const xs = read('xcoordinates');
    if (!xs) throw new LlFormatError(`${path}: no dataset 'xcoordinates' (found ${keys.join(', ') || 'nothing'}); give a surface file written by LL's plot_surface.py`);
    const ys = read('ycoordinates');
    const x = Array.from(xs.data), y = ys ? Array.from(ys.data) : undefined;
    const want = y ? [x.length, y.length] : [x.length];
    const field = (name: string): number[] | undefined => {
      const d = read(name);
      if (!d) return undefined;
      if (d.shape.join() !== want.join()) throw new LlFormatError(`${path}: '${name}' has shape (${d.shape.join(', ')}), expected (${want.join(', ')}) from the coordinates`);
      return Array.from(d.data);
    };
    const splits: LlSurface['splits'] = {};
    for (const s of ['train', 'test'] as const) {
      const loss = field(`${s}_loss`);
      const acc = field(`${s}_acc`);
      if (loss) splits[s] = acc ? { loss, acc } : { loss };
    }
    if (!splits.train && !splits.test) throw new LlFormatError(`${path}: no 'train_loss' or 'test_loss' dataset (found ${keys.join(', ')}); has LL computed the surface yet?`);
    const dir = f.get('dir_file');
    const dirFile = dir instanceof m.Dataset && typeof dir.value === 'string' ? dir.value : undefined;
    return { x, ...(y ? { y } : {}), splits, ...(dirFile ? { dirFile } : {}) };
  } finally {
    f.close();
  }
}
