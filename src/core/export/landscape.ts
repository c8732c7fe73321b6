// A curve or surface result as plain arrays, read from result.json (checked field by field by runs/result-fields.ts), and its CSV, NumPy and
// VTK forms. Surfaces are flat and row-major with x fastest: value k = j·nx + i sits at (x[i], y[j]), which is
// result.json's loss[j][i].
import { toCsv, type Cell } from './csv.js';
import { npyFloat64 } from './npy.js';
import { curveVtp, surfaceVtp } from './vtp.js';
import { describeValue, finiteNumbers, gridValues, isObj, kindOfResult, pointValues, type Obj } from '../runs/result-fields.js';
import { InputError } from '../../ir/errors.js';

export type Values = readonly (number | null)[];

export interface CurveLandscape {
  kind: 'curve';
  lambdas: readonly number[];
  loss: Values;
  /** Fraction of correct predictions in [0, 1], as terrain records it. */
  accuracy?: Values;
  lossStderr?: Values;
  /** --tolerance: covariance of the points' mean losses from their shared samples (n × n), for paired errors. */
  lossCovariance?: readonly Values[];
}

export interface SurfaceLandscape {
  kind: 'surface';
  x: readonly number[];
  y: readonly number[];
  /** Length x.length · y.length; loss[j · nx + i] at (x[i], y[j]). */
  loss: Values;
  accuracy?: Values;
  lossStderr?: Values;
}

/**
 * Per-point fields some runs add, exported as extra columns/arrays/datasets only when present (so plain runs export
 * as before): --tolerance's sample counts and per-sample errors, --refine's mask (1 measured, 0 interpolated) and
 * interpolation bound. result.json key → exported name.
 */
export const EXTRA_FIELDS = [
  ['samples', 'samples'], ['lossSampleStderr', 'loss_sample_stderr'], ['accuracyStderr', 'accuracy_stderr'],
  ['measured', 'measured'], ['interpolationBound', 'interpolation_bound'],
] as const;

export type Landscape = (CurveLandscape | SurfaceLandscape) & {
  /** The EXTRA_FIELDS present in the result, by exported name, laid out like loss. */
  extra?: { name: string; values: Values }[];
};

/** The result is not something the exporters can write (wrong kind, missing or malformed field). */
export class ExportError extends InputError {
  override name = 'ExportError';
}

const numbers = (o: Obj, key: string, source: string): number[] => finiteNumbers(o, key, source, ExportError);
const grid = (v: unknown, nx: number, ny: number, field: string, source: string): (number | null)[] => gridValues(v, nx, ny, field, source, ExportError);
const values = (v: unknown, n: number, field: string, source: string): (number | null)[] => pointValues(v, n, field, source, ExportError);
const describe = describeValue;

/** The landscape a curve or surface result.json holds; `source` (its path) names it in errors. */
export function landscapeFromResult(json: unknown, source: string): Landscape {
  if (!isObj(json)) throw new ExportError(`${source}: expected a JSON object (a curve or surface result), found ${describe(json)}`);
  const kind = kindOfResult(json);
  const optional = (key: string, read: (v: unknown) => (number | null)[]): (number | null)[] | undefined => (json[key] === undefined ? undefined : read(json[key]));
  if (kind === 'curve') {
    const lambdas = numbers(json, 'lambdas', source);
    const read = (key: string) => (v: unknown) => values(v, lambdas.length, key, source);
    const covariance = json['lossCovariance'] === undefined ? undefined : gridValues(json['lossCovariance'], lambdas.length, lambdas.length, 'lossCovariance', source, ExportError);
    const rows = covariance && lambdas.map((_, i) => covariance.slice(i * lambdas.length, (i + 1) * lambdas.length));
    return withExtra({ kind, lambdas, loss: read('loss')(json['loss']), accuracy: optional('accuracy', read('accuracy')), lossStderr: optional('lossStderr', read('lossStderr')), ...(rows ? { lossCovariance: rows } : {}) }, optional, read);
  }
  if (kind === 'surface') {
    const x = numbers(json, 'x', source), y = numbers(json, 'y', source);
    const read = (key: string) => (v: unknown) => grid(v, x.length, y.length, key, source);
    return withExtra({ kind, x, y, loss: read('loss')(json['loss']), accuracy: optional('accuracy', read('accuracy')), lossStderr: optional('lossStderr', read('lossStderr')) }, optional, read);
  }
  throw new ExportError(`${source}: 'kind' is ${JSON.stringify(kind) ?? 'missing'}; export writes 'curve' and 'surface' results (from terrain curve / terrain surface)`);
}

function withExtra(
  l: Landscape, optional: (key: string, read: (v: unknown) => (number | null)[]) => (number | null)[] | undefined,
  read: (key: string) => (v: unknown) => (number | null)[],
): Landscape {
  const extra = EXTRA_FIELDS.flatMap(([key, name]) => {
    const values = optional(key, read(key));
    return values ? [{ name, values }] : [];
  });
  return extra.length > 0 ? { ...l, extra } : l;
}

export function pointCount(l: Landscape): number {
  return l.kind === 'curve' ? l.lambdas.length : l.x.length * l.y.length;
}

const at = (a: Values | undefined, k: number): number | null => a?.[k] ?? null;
const column = (a: Values | undefined, n: number): (number | null)[] => Array.from({ length: n }, (_, k) => at(a, k));

/**
 * Curve: lambda,loss,accuracy,loss_stderr per λ. Surface: x,y,loss,accuracy,loss_stderr per point, x fastest. Extra
 * per-point fields (EXTRA_FIELDS) follow as further columns when the run has them.
 */
export function landscapeCsv(l: Landscape): string {
  const extra = l.extra ?? [];
  const more = (k: number): Cell[] => extra.map((e) => at(e.values, k));
  const names = extra.map((e) => e.name);
  if (l.kind === 'curve') {
    return toCsv(['lambda', 'loss', 'accuracy', 'loss_stderr', ...names], l.lambdas.map((v, k): Cell[] => [v, at(l.loss, k), at(l.accuracy, k), at(l.lossStderr, k), ...more(k)]));
  }
  const rows: Cell[][] = [];
  for (let j = 0; j < l.y.length; j++) {
    for (let i = 0; i < l.x.length; i++) {
      const k = j * l.x.length + i;
      rows.push([l.x[i], l.y[j], at(l.loss, k), at(l.accuracy, k), at(l.lossStderr, k), ...more(k)]);
    }
  }
  return toCsv(['x', 'y', 'loss', 'accuracy', 'loss_stderr', ...names], rows);
}

/** Curve: float64 [n, 4] with columns λ, loss, accuracy, loss stderr. Surface: the loss grid, float64 [ny, nx]. */
export function landscapeNpy(l: Landscape): Buffer {
  if (l.kind === 'curve') return npyFloat64([l.lambdas.length, 4], l.lambdas.flatMap((v, k) => [v, at(l.loss, k), at(l.accuracy, k), at(l.lossStderr, k)]));
  return npyFloat64([l.y.length, l.x.length], column(l.loss, pointCount(l)));
}

/** Curve: a polyline over (λ, loss, 0). Surface: a quad mesh over (x, y, loss). loss, accuracy, loss_stderr ride along. */
export function landscapeVtp(l: Landscape): string {
  const n = pointCount(l);
  const arrays = {
    loss: column(l.loss, n), accuracy: column(l.accuracy, n), loss_stderr: column(l.lossStderr, n),
    ...Object.fromEntries((l.extra ?? []).map((e) => [e.name, column(e.values, n)])),
  };
  return l.kind === 'curve' ? curveVtp(l.lambdas, arrays) : surfaceVtp(l.x, l.y, arrays);
}
