// Field readers of a curve or surface result.json, shared by the run reader (results.ts) and the exporters, so that
// both refuse a malformed file with the same words. The error class is the caller's (ExportError, ResultFileError).
import { decodeNumber, isNonFiniteToken } from './non-finite.js';

export type Obj = Record<string, unknown>;
export type MakeError = new (message: string) => Error;

export const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export function describeValue(v: unknown): string {
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v === undefined) return 'nothing';
  return JSON.stringify(v)?.slice(0, 40) ?? String(v);
}

/** A non-empty array of finite numbers (λ, x, y). */
export function finiteNumbers(o: Obj, key: string, source: string, E: MakeError): number[] {
  const v = o[key];
  if (!Array.isArray(v) || v.length === 0 || !v.every((n) => typeof n === 'number' && Number.isFinite(n))) {
    throw new E(`${source}: '${key}' should be a non-empty array of finite numbers, found ${describeValue(v)}`);
  }
  return v as number[];
}

/**
 * n values that may be missing (null: not computed, or diverged in files older than the NaN/±∞ encoding); the tokens
 * "NaN", "Infinity", "-Infinity" of non-finite.ts are those numbers; booleans (--refine's measured mask) are 1/0.
 */
export function pointValues(v: unknown, n: number, field: string, source: string, E: MakeError): (number | null)[] {
  if (!Array.isArray(v) || v.length !== n) throw new E(`${source}: '${field}' should hold ${n} values, found ${describeValue(v)}`);
  return v.map((e, k) => {
    if (e === null || typeof e === 'number') return e;
    if (isNonFiniteToken(e)) return decodeNumber(e) as number;
    if (typeof e === 'boolean') return e ? 1 : 0;
    throw new E(`${source}: '${field}[${k}]' should be a number, "NaN", "Infinity", "-Infinity" or null, found ${describeValue(e)}`);
  });
}

/** ny rows of nx values, flattened row-major (x fastest). */
export function gridValues(v: unknown, nx: number, ny: number, field: string, source: string, E: MakeError): (number | null)[] {
  if (!Array.isArray(v) || v.length !== ny) throw new E(`${source}: '${field}' should have ${ny} rows (one per y), found ${describeValue(v)}`);
  return v.flatMap((row, j) => pointValues(row, nx, `${field}[${j}]`, source, E));
}

/** The recorded kind, or for files without one the kind their axes show (older curve and surface results). */
export function kindOfResult(json: Obj): unknown {
  return json['kind'] ?? ('x' in json && 'y' in json ? 'surface' : 'lambdas' in json ? 'curve' : undefined);
}
