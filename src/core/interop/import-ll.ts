// An LL surface file and its direction file → a terrain run directory (run.json marked as imported, with both
// files' sha256; the directions as safetensors; result.json in terrain's format), so that classify, report,
// export and serve work on it, and `terrain curve/surface --x file:RUN/direction-x.safetensors …` recomputes it.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { option, worded, type Worded } from '../../ir/errors.js';
import { classifyCurve } from '../classify/index.js';
import { cosine } from '../directions/plane.js';
import { saveDirection } from '../directions/io.js';
import { formatDirectionSpec } from '../directions/spec.js';
import type { LoadedModel } from '../model-file.js';
import { formatRange, linspace, type Range } from '../runs/grid.js';
import { RunDir } from '../runs/run-dir.js';
import { readLlDirections, readLlSurface, LlFormatError, type LlSplit } from './ll-h5.js';
import { mapLlDirection, type LlDirType, type MappedDirection } from './ll-map.js';

export interface ImportLlOptions {
  surface: string;
  directions: string;
  model: LoadedModel;
  out: string;
  /** Which of LL's splits becomes the result (default: train when the file has it, else test). */
  split?: LlSplit;
  dirType?: LlDirType | 'auto';
  /** Command line and other provenance (run.json info). */
  info?: Record<string, unknown>;
}

export interface ImportLlSummary {
  dir: string;
  kind: 'curve' | 'surface';
  split: LlSplit;
  dirType: LlDirType;
  points: number;
  /** Points LL had not computed yet (its placeholder −1): null in result.json. */
  uncomputed: number;
  /** Entries of the direction file left out (num_batches_tracked of a states list), per direction. */
  skipped: number[][];
  /** Said once each; a Worded note mentions options (a shell prints them as its flags). */
  notes: (string | Worded)[];
  result: Record<string, unknown>;
}

export const LL_UNCOMPUTED = -1;

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
const vectorSha = (v: Float32Array): string => createHash('sha256').update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)).digest('hex');

/** LL's coordinates as terrain's A:B:N (LL writes np.linspace, so this is exact up to rounding). */
function rangeOf(v: readonly number[], name: string, notes: (string | Worded)[]): Range {
  const r = { from: v[0]!, to: v[v.length - 1]!, count: v.length };
  const tol = 1e-9 * (Math.abs(r.from) + Math.abs(r.to) + 1);
  if (linspace(r).some((c, i) => Math.abs(c - v[i]!) > tol)) notes.push(`${name} is not evenly spaced; run.json's grid ${formatRange(r)} is approximate, result.json holds the exact coordinates`);
  return r;
}

export async function importLl(o: ImportLlOptions): Promise<ImportLlSummary> {
  const surface = await readLlSurface(o.surface);
  const dirs = await readLlDirections(o.directions);
  const notes: (string | Worded)[] = [];
  const split: LlSplit = o.split ?? (surface.splits.train ? 'train' : 'test');
  const values = surface.splits[split];
  if (!values) throw new LlFormatError(worded`${o.surface}: no '${split}_loss' dataset (it has ${Object.keys(surface.splits).map((s) => `${s}_loss`).join(', ')}); pick that ${option('split')}`);
  const other = split === 'train' ? 'test' : 'train';
  if (surface.splits[other]) notes.push(worded`${o.surface} also holds ${other}_loss; import it with ${option('split', other)} into another ${option('out')}`);
  if (surface.dirFile && basename(surface.dirFile) !== basename(o.directions)) notes.push(`${o.surface} names its direction file '${surface.dirFile}', not ${o.directions}`);

  const kind = surface.y ? 'surface' : 'curve';
  const lists = kind === 'surface' ? [dirs.x, dirs.y] : [dirs.x];
  if (kind === 'surface' && !dirs.y) throw new LlFormatError(`${o.directions}: no group 'ydirection', but ${o.surface} is a 2-D surface; give the direction file of that surface`);
  if (kind === 'curve' && dirs.y) notes.push(`${o.directions} also holds a ydirection; a 1-D surface file uses xdirection only`);
  const { theta, buffers } = o.model;
  const mapped: MappedDirection[] = lists.map((l, k) => mapLlDirection(l!, theta.layout, buffers, o.dirType ?? 'auto', `${o.directions} ${k === 0 ? 'x' : 'y'}direction`));
  const dirType = mapped[0]!.dirType;
  if (mapped.some((m) => m.dirType !== dirType)) throw new LlFormatError(worded`${o.directions}: xdirection reads as ${dirType}, ydirection as ${mapped[1]!.dirType}; LL writes both with one dir_type — pass ${option('dir-type')}`);

  const names = kind === 'curve' ? ['direction'] : ['direction-x', 'direction-y'];
  const specs = names.map((n) => formatDirectionSpec({ kind: 'file', path: `${o.out}/${n}.safetensors`, norm: 'none', biasBn: 'keep', scale: 1, ...(dirType === 'states' ? { dirType: 'states' as const } : {}) }));
  const bn = dirType === 'states' ? 'perturb' : 'eval';
  const axes = kind === 'surface' ? [surface.x, surface.y!] : [surface.x];
  const grid = axes.map((a, k) => formatRange(rangeOf(a, k === 0 ? 'xcoordinates' : 'ycoordinates', notes)));

  // LL's placeholder for a point it has not computed is −1 (loss and accuracy); NaN is a diverged point.
  let uncomputed = 0;
  const loss = values.loss.map((v) => (v === LL_UNCOMPUTED ? (uncomputed++, null) : Number.isFinite(v) ? v : null));
  const accuracy = values.acc?.map((v, k) => (loss[k] === null || !Number.isFinite(v) ? null : v / 100));
  if (uncomputed > 0) notes.push(`${uncomputed} of ${loss.length} points hold LL's placeholder −1 (not computed yet): null in result.json`);

  const imported = {
    format: 'loss-landscape',
    surface: { path: o.surface, sha256: sha256(o.surface) },
    directions: { path: o.directions, sha256: sha256(o.directions) },
    split, dirType, accuracy: 'converted from percent (LL) to a fraction',
  };
  const identity = {
    imported,
    model: { path: o.model.path, sha256: o.model.hash, arch: o.model.model.spec.arch },
    directions: specs.map((spec, k) => ({ spec, sha256: vectorSha(mapped[k]!.vector.data) })),
    bn,
    grid,
  };
  let result: Record<string, unknown>;
  if (kind === 'curve') {
    let cls: { type: string; features: unknown };
    try {
      if (loss.some((v) => v === null)) throw new Error('some points have no finite loss');
      cls = classifyCurve(surface.x, loss as number[]);
    } catch (e) {
      cls = { type: 'unclassified', features: { error: (e as Error).message } };
    }
    result = { kind, lambdas: surface.x, loss, ...(accuracy ? { accuracy } : {}), type: cls.type, features: cls.features, direction: specs[0], bn, imported };
  } else {
    const nx = surface.x.length;
    const rows = (v: (number | null)[]): (number | null)[][] => surface.y!.map((_, j) => v.slice(j * nx, (j + 1) * nx));
    result = {
      kind, x: surface.x, y: surface.y, loss: rows(loss), ...(accuracy ? { accuracy: rows(accuracy) } : {}),
      directions: specs, cosineXY: cosine(mapped[0]!.vector, mapped[1]!.vector), bn, imported,
    };
  }
  const run = await RunDir.open(o.out, { kind, identity, info: { ...(o.info ?? {}), notes } });
  try {
    mapped.forEach((m, k) => saveDirection(run.path(`${names[k]}.safetensors`), m.vector, { spec: specs[k]!, source: `${o.directions} ${k === 0 ? 'x' : 'y'}direction` }, m.buffers));
    await run.writeResult(result);
  } finally {
    run.close();
  }
  return { dir: o.out, kind, split, dirType, points: loss.length, uncomputed, skipped: mapped.map((m) => m.skipped), notes, result };
}
