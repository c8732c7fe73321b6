// One reader of a run's files: result.json as a typed result (curve and surface checked field by field, the other
// kinds as their decoded object), run.json as a checked RunConfig. Every read is bounded (ir/read-file.ts) and
// result.json's "NaN"/"Infinity"/"-Infinity" come back as numbers (non-finite.ts); run.json is read as written.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../ir/errors.js';
import { readRegularText } from '../../ir/read-file.js';
import { parseWithNonFinite } from './non-finite.js';
import { finiteNumbers, gridValues, isObj, kindOfResult, pointValues, describeValue, type Obj } from './result-fields.js';
import { RESULT_FILE, RUN_FILE, type RunConfig } from './run-dir.js';

/** A curve's result.json is kilobytes; a surface's at the CLI's grid limit tens of megabytes. */
export const MAX_RESULT_JSON_BYTES = 256 << 20;
/** run.json holds options and hashes (a --params pattern, a mining template): kilobytes. */
export const MAX_RUN_JSON_BYTES = 16 << 20;

/** result.json or run.json is missing, unreadable or not what its kind requires; an input error (exit 2). */
export class ResultFileError extends InputError {
  override name = 'ResultFileError';
}

type Values = (number | null)[];

/** The result kinds other commands write, carried as their decoded object. */
export const OTHER_RESULT_KINDS = ['mine', 'hessian', 'hessian-checkpoints', 'connect', 'sharpness', 'gmi', 'layers', 'explain'] as const;
export type OtherResultKind = (typeof OTHER_RESULT_KINDS)[number];

interface Common {
  /** The file read. */
  path: string;
  /** The whole decoded object, every field as written (non-finite tokens as numbers). */
  json: Obj;
}

export interface CurveResultFile extends Common {
  kind: 'curve';
  lambdas: number[];
  loss: Values;
  accuracy?: Values;
  lossStderr?: Values;
}

export interface SurfaceResultFile extends Common {
  kind: 'surface';
  x: number[];
  y: number[];
  /** x.length · y.length values, row-major with x fastest: loss[j · nx + i] is result.json's loss[j][i]. */
  loss: Values;
  accuracy?: Values;
  lossStderr?: Values;
}

export interface OtherResultFile extends Common {
  kind: OtherResultKind;
}

/** A result whose kind this reader does not know (a newer terrain, a hand-written file): payload unchecked. */
export interface UnknownResultFile {
  kind: 'unknown';
  path: string;
  /** The recorded 'kind', when the file has one. */
  recordedKind: unknown;
  json: unknown;
}

export type RunResultFile = CurveResultFile | SurfaceResultFile | OtherResultFile | UnknownResultFile;

export interface ReadResultOptions {
  /** What the file is, before its path in read errors (default 'result'). */
  what?: string;
  /** What the JSON should hold, in the parse error (default: what), e.g. 'curve result'. */
  expected?: string;
  maxBytes?: number;
}

const resultPathOf = (target: string): string => (isDirectory(target) ? join(target, RESULT_FILE) : target);

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The result of a run directory (its result.json) or of a result file; errors name the file and the problem. */
export function readResult(target: string, options: ReadResultOptions = {}): RunResultFile {
  const path = resultPathOf(target);
  const what = options.what ?? 'result';
  const text = readRegularText(path, { maxBytes: options.maxBytes ?? MAX_RESULT_JSON_BYTES, what });
  let json: unknown;
  try {
    json = parseWithNonFinite(text);
  } catch (e) {
    throw new ResultFileError(`${path}: cannot read a JSON ${options.expected ?? what} (${(e as Error).message})`);
  }
  return typedResult(json, path);
}

/** readResult, or undefined when the file does not exist (an unfinished run). */
export function readResultIfPresent(target: string, options: ReadResultOptions = {}): RunResultFile | undefined {
  return exists(resultPathOf(target)) ? readResult(target, options) : undefined;
}

/** A decoded result object as its typed form; `path` names it in errors. */
export function typedResult(json: unknown, path: string): RunResultFile {
  if (!isObj(json)) return { kind: 'unknown', path, recordedKind: undefined, json };
  const kind = kindOfResult(json);
  const E = ResultFileError;
  const optional = (key: string, read: (v: unknown, key: string) => Values): Values | undefined => (json[key] === undefined ? undefined : read(json[key], key));
  if (kind === 'curve') {
    const lambdas = finiteNumbers(json, 'lambdas', path, E);
    const read = (v: unknown, key: string): Values => pointValues(v, lambdas.length, key, path, E);
    return withOptional({ kind, path, json, lambdas, loss: read(json['loss'], 'loss') }, optional('accuracy', read), optional('lossStderr', read));
  }
  if (kind === 'surface') {
    const x = finiteNumbers(json, 'x', path, E), y = finiteNumbers(json, 'y', path, E);
    const read = (v: unknown, key: string): Values => gridValues(v, x.length, y.length, key, path, E);
    return withOptional({ kind, path, json, x, y, loss: read(json['loss'], 'loss') }, optional('accuracy', read), optional('lossStderr', read));
  }
  if ((OTHER_RESULT_KINDS as readonly unknown[]).includes(kind)) return { kind: kind as OtherResultKind, path, json };
  return { kind: 'unknown', path, recordedKind: kind, json };
}

function withOptional<T extends CurveResultFile | SurfaceResultFile>(r: T, accuracy: Values | undefined, lossStderr: Values | undefined): T {
  return { ...r, ...(accuracy ? { accuracy } : {}), ...(lossStderr ? { lossStderr } : {}) };
}

/** A run directory's run.json, checked: kind a string, identity and info objects. */
export function readRunConfig(dir: string): RunConfig {
  const path = join(dir, RUN_FILE);
  const text = readRegularText(path, { maxBytes: MAX_RUN_JSON_BYTES, what: 'run config' });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ResultFileError(`${path}: cannot read a JSON run config (${(e as Error).message})`);
  }
  if (!isObj(json)) throw new ResultFileError(`${path}: expected a JSON object with kind, identity and info, found ${describeValue(json)}`);
  if (typeof json['kind'] !== 'string') throw new ResultFileError(`${path}: 'kind' should be a string, found ${describeValue(json['kind'])}`);
  for (const key of ['identity', 'info']) {
    if (!isObj(json[key])) throw new ResultFileError(`${path}: '${key}' should be an object, found ${describeValue(json[key])}`);
  }
  return json as unknown as RunConfig;
}

/** readRunConfig, or undefined when the directory has no run.json. */
export function readRunConfigIfPresent(dir: string): RunConfig | undefined {
  return exists(join(dir, RUN_FILE)) ? readRunConfig(dir) : undefined;
}
