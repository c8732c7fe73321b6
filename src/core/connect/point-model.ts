// A model given as `DIR@t=0.3`: the model at t of the curve trained in the connect run DIR, usable wherever a model file is.
// Its parameters are φ(t) from the recorded end points (checked against their hashes) and DIR's bend files; a BN
// model's running statistics are the ones re-estimated at that t when the curve was evaluated (bn-stats.safetensors).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSafetensors } from '../../ir/safetensors.js';
import type { Tensor } from '../../ir/tensor.js';
import { loadModelFile, type LoadedModel, type LoadOptions } from '../model-file.js';
import { fromTensors, toTensors, type ParamVector } from '../params.js';
import { withInitializers } from '../../ir/graph.js';
import { RUN_FILE } from '../runs/run-dir.js';
import { ConnectError } from './errors.js';
import { option, worded } from '../../ir/errors.js';
import { curvePoint, CURVE_KINDS, type CurveKind } from './geometry.js';
import { bendFile, BN_STATS_FILE, readBnStats, statsKey } from './state.js';

const POINT = /^(.+)@t=([^/]*)$/;

/** DIR and t of a `DIR@t=T` model argument, or undefined for an ordinary path. */
export function parseCurvePoint(arg: string): { dir: string; t: number } | undefined {
  const m = POINT.exec(arg);
  if (!m) return undefined;
  const t = Number(m[2]);
  if (m[2] === '' || !(t >= 0 && t <= 1)) throw new ConnectError(worded`${option('model', arg)}: t must be a number in [0, 1], e.g. ${m[1]}@t=0.3`);
  return { dir: m[1]!, t };
}

interface ConnectIdentity {
  from: { path: string; sha256: string };
  to: { path: string; sha256: string };
  curve: CurveKind;
  bends: number;
}

function readIdentity(dir: string, arg: string, name: string): ConnectIdentity {
  const path = join(dir, RUN_FILE);
  if (!existsSync(path)) throw new ConnectError(worded`${option(name, arg)}: ${path} not found; ${name === 'model' ? 'DIR@t=T' : option(name)} takes the ${option('out')} directory of terrain connect`);
  let cfg: { kind?: string; identity?: ConnectIdentity };
  try {
    cfg = JSON.parse(readFileSync(path, 'utf8')) as typeof cfg;
  } catch (e) {
    throw new ConnectError(worded`${option(name, arg)}: ${path} is not valid JSON (${(e as Error).message})`);
  }
  if (cfg.kind !== 'connect' || !cfg.identity || !CURVE_KINDS.includes(cfg.identity.curve)) throw new ConnectError(worded`${option(name, arg)}: ${dir} holds a '${cfg.kind}' run, not a terrain connect run`);
  return cfg.identity;
}

export interface CurveControls {
  curve: CurveKind;
  /** [A, bends…, B] in A's layout. */
  controls: ParamVector[];
  a: LoadedModel;
  b: LoadedModel;
  /** sha256 over the end points' hashes and the bend files. */
  hash: string;
}

/**
 * The control points of the curve trained in connect run `dir`, end points checked against their recorded hashes;
 * errors name the option `name` that gave `arg`.
 */
export function curveControls(dir: string, arg = dir, name = 'model'): CurveControls {
  const id = readIdentity(dir, arg, name);
  const ends = [id.from, id.to].map((e, k) => {
    if (!existsSync(e.path)) throw new ConnectError(worded`${option(name, arg)}: the curve's ${k ? 'second' : 'first'} end point ${e.path} is gone; restore it (its sha256 is ${e.sha256})`);
    const m = loadModelFile(e.path);
    if (m.hash !== e.sha256) throw new ConnectError(worded`${option(name, arg)}: ${e.path} changed since the curve was trained (sha256 ${m.hash.slice(0, 12)}…, the run recorded ${e.sha256.slice(0, 12)}…)`);
    return m;
  });
  const a = ends[0]!, b = ends[1]!;
  const hasher = createHash('sha256').update(a.hash).update(b.hash);
  const bends = Array.from({ length: id.bends }, (_, j) => {
    const path = join(dir, bendFile(j + 1));
    if (!existsSync(path)) throw new ConnectError(worded`${option(name, arg)}: ${path} is missing; rerun terrain connect with ${option('out', dir)}`);
    hasher.update(readFileSync(path));
    return fromTensors(a.theta.layout, readSafetensors(path).tensors, path);
  });
  return { curve: id.curve, controls: [a.theta, ...bends, b.theta], a, b, hash: hasher.digest('hex') };
}

export function loadCurvePoint(arg: string, opts: LoadOptions = {}): LoadedModel {
  const { dir, t } = parseCurvePoint(arg)!;
  if (opts.weights) throw new ConnectError(worded`${option('weights')} does not apply to a curve point (${option('model', arg)}): its weights come from ${dir}; drop ${option('weights')}`);
  const c = curveControls(dir, arg);
  const a = c.a;
  const id = { curve: c.curve, bends: c.controls.length - 2, from: { path: a.path }, to: { path: c.b.path } };
  const theta = curvePoint(c.curve, c.controls, t);
  const buffers = new Map<string, Tensor>();
  if (a.model.buffers.length > 0) {
    const stats = readBnStats(dir);
    for (const name of a.model.buffers) {
      const s = stats.get(statsKey(t, name));
      if (!s) {
        const known = [...new Set([...stats.keys()].map((k) => k.split('/')[0]))].join(', ') || 'none yet';
        throw new ConnectError(worded`${option('model', arg)}: a BN model's statistics at t=${t} were not re-estimated (${join(dir, BN_STATS_FILE)} has ${known}); use one of those values of t`);
      }
      buffers.set(name, s);
    }
  }
  const graph = withInitializers(a.model.graph, new Map([...toTensors(theta), ...buffers]));
  const model = { ...a.model, graph };
  return { model, theta, buffers, hash: createHash('sha256').update(c.hash).update(`t=${t}`).digest('hex'), path: arg, meta: { curvePoint: { dir, t, curve: id.curve, bends: id.bends, from: id.from.path, to: id.to.path } } };
}
