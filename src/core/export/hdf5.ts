// HDF5 surface files in the layout of tomgoldstein/loss-landscape (LL; Li et al. 2018), written with h5wasm (the
// HDF5 C library compiled to WebAssembly), so that LL's plot_1D.py, plot_2D.py and h52vtp.py read terrain's results.
//
// LL's conventions (plot_surface.py, scheduler.py, evaluation.py, plot_1D.py, plot_2D.py, h52vtp.py):
// - float64 datasets `xcoordinates` (and `ycoordinates` for a surface), `<split>_loss`, `<split>_acc`, where split is
//   `train` or `test`; accuracy is in percent (evaluation.eval_loss returns 100·correct/total).
// - a curve's values have shape (len(x),); a surface's are allocated with shape (len(x), len(y)), but filled through
//   `losses.ravel()[k]` at the k-th point of np.meshgrid(x, y), i.e. at (x[k mod nx], y[k div nx]). The bytes are
//   therefore x fastest, the same order as terrain's flattened loss[j][i]; only the declared shape is (nx, ny).
//   LL's own readers rely on exactly that order (h52vtp ravels values beside meshgrid; plot_2D pairs them with
//   meshgrid(x, y)), which is also why LL's 2-D plots work only for square grids.
import { resolve } from 'node:path';
import type { RunConfig } from '../runs/run-dir.js';
import { ExportError, pointCount, type Landscape, type Values } from './landscape.js';

type H5 = typeof import('h5wasm/node');
let h5: Promise<H5> | undefined;

/** Loads the WebAssembly module once, on first use (about 0.2 s), so importing this file costs nothing. */
async function h5wasm(): Promise<H5> {
  h5 ??= import('h5wasm/node').then(async (m) => { await m.ready; return m; });
  return h5;
}

export type H5Prefix = 'train' | 'test';

/** LL's dataset prefix for the split a run evaluated: `test` for the test split, `train` otherwise (also for `all`). */
export function h5Prefix(split: string | undefined): H5Prefix {
  return split === 'test' ? 'test' : 'train';
}

export interface H5WriteOptions {
  /** The split the run evaluated (run.json identity.data.split); picks train_* or test_* names. */
  split?: string;
  /** Extra string attributes on the root group (provenance); LL's readers ignore attributes. */
  attributes?: Record<string, string>;
}

/** The split and provenance attributes of a run (its run.json), for writeLandscapeH5; `version`: the writer's. */
export function h5OptionsOf(config: RunConfig | undefined, l: Landscape, version?: string): H5WriteOptions {
  const data = config?.identity?.['data'] as { split?: unknown; source?: unknown } | undefined;
  const specs = (config?.identity?.['directions'] as { spec?: unknown }[] | undefined)?.map((d) => String(d.spec)) ?? [];
  const attributes: Record<string, string> = { ...(version ? { terrain_version: version } : {}), terrain_kind: l.kind };
  if (typeof data?.source === 'string') attributes['terrain_data'] = data.source;
  if (typeof data?.split === 'string') attributes['terrain_split'] = data.split;
  if (specs.length) attributes['terrain_directions'] = specs.join('\n');
  return { split: typeof data?.split === 'string' ? data.split : undefined, attributes };
}

export const H5_LAYOUT_NOTE = 'loss-landscape layout: surface values have shape (len(xcoordinates), len(ycoordinates)) '
  + 'but are stored x fastest: flat index k is at (xcoordinates[k % nx], ycoordinates[k // nx]); '
  + 'read a surface as values.reshape(len(ycoordinates), len(xcoordinates))[j, i] at (x[i], y[j]); accuracy in percent';

const float64 = (v: Values, scale = 1): Float64Array => Float64Array.from(v, (e) => (e === null ? NaN : e * scale));

/** Writes (or overwrites) `path`; missing values (null) become NaN. Accuracy is stored in percent. */
export async function writeLandscapeH5(path: string, l: Landscape, options: H5WriteOptions = {}): Promise<void> {
  const { File } = await h5wasm();
  const p = h5Prefix(options.split);
  let f;
  try {
    f = new File(resolve(path), 'w');
  } catch (e) {
    throw new ExportError(`${path}: cannot create the HDF5 file (${(e as Error).message}); check that its folder exists and is writable`);
  }
  try {
    const shape = l.kind === 'curve' ? [l.lambdas.length] : [l.x.length, l.y.length];
    f.create_dataset({ name: 'xcoordinates', data: Float64Array.from(l.kind === 'curve' ? l.lambdas : l.x) });
    if (l.kind === 'surface') f.create_dataset({ name: 'ycoordinates', data: Float64Array.from(l.y) });
    f.create_dataset({ name: `${p}_loss`, data: float64(l.loss), shape, dtype: '<d' });
    if (l.accuracy) f.create_dataset({ name: `${p}_acc`, data: float64(l.accuracy, 100), shape, dtype: '<d' });
    // Datasets LL does not read: --tolerance's and --refine's per-point fields, under their exported names.
    for (const e of l.extra ?? []) f.create_dataset({ name: `${p}_${e.name}`, data: float64(e.values), shape, dtype: '<d' });
    // A curve's paired errors need the covariance of its points (n × n); the other formats hold one value per point.
    if (l.kind === 'curve' && l.lossCovariance) f.create_dataset({ name: `${p}_loss_covariance`, data: float64(l.lossCovariance.flat()), shape: [shape[0]!, shape[0]!], dtype: '<d' });
    f.create_attribute('terrain_layout', H5_LAYOUT_NOTE);
    for (const [k, v] of Object.entries(options.attributes ?? {})) f.create_attribute(k, v);
  } finally {
    f.close();
  }
}

/** Reads an LL surface file (terrain's or LL's own) back into a landscape; accuracy back to a fraction. */
export async function readLandscapeH5(path: string): Promise<Landscape & { prefix: H5Prefix }> {
  const { File, Dataset } = await h5wasm();
  let f;
  try {
    f = new File(resolve(path), 'r');
  } catch (e) {
    throw new ExportError(`${path}: cannot open as HDF5 (${(e as Error).message})`);
  }
  try {
    const read = (name: string): { data: number[]; shape: number[] } | undefined => {
      const d = f.get(name);
      if (!(d instanceof Dataset)) return undefined;
      const v = d.value;
      if (!ArrayBuffer.isView(v) || v instanceof BigInt64Array || v instanceof BigUint64Array || v instanceof DataView) {
        throw new ExportError(`${path}: dataset '${name}' is not numeric (dtype ${String(d.dtype)})`);
      }
      return { data: Array.from(v as Float64Array), shape: d.shape ?? [] };
    };
    const keys = f.keys();
    const prefix: H5Prefix | undefined = keys.includes('train_loss') ? 'train' : keys.includes('test_loss') ? 'test' : undefined;
    const x = read('xcoordinates');
    if (!x || !prefix) throw new ExportError(`${path}: expected datasets 'xcoordinates' and 'train_loss' (or 'test_loss'), found ${keys.join(', ') || 'none'}`);
    const y = read('ycoordinates');
    const want = y ? [x.data.length, y.data.length] : [x.data.length];
    const field = (name: string, scale: number): (number | null)[] | undefined => {
      const d = read(name);
      if (!d) return undefined;
      if (d.shape.join() !== want.join()) throw new ExportError(`${path}: '${name}' has shape (${d.shape.join(', ')}), expected (${want.join(', ')}) from the coordinates`);
      return d.data.map((v) => (Number.isNaN(v) ? null : v / scale));
    };
    const loss = field(`${prefix}_loss`, 1)!;
    const accuracy = field(`${prefix}_acc`, 100);
    const l: Landscape = y ? { kind: 'surface', x: x.data, y: y.data, loss, accuracy } : { kind: 'curve', lambdas: x.data, loss, accuracy };
    if (!accuracy) delete l.accuracy;
    if (loss.length !== pointCount(l)) throw new ExportError(`${path}: '${prefix}_loss' holds ${loss.length} values, expected ${pointCount(l)}`);
    return { ...l, prefix };
  } finally {
    f.close();
  }
}
