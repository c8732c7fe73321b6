// The direction spec syntax shared by every command: `KIND[:ARG][:key=value]...` → a typed spec, and back.
// Parsing is strict: an unknown kind, option or value is an error that names the bad part and lists the choices,
// because a silently ignored typo would map a different landscape than the one the user asked for.
// What each kind accepts and how it prints lives in its row of kinds/index.ts; this file holds the shared grammar.
import { InputError } from '../../ir/errors.js';
import { DIRECTION_KINDS, DIRECTION_SYNTAX, directionKind, type DirectionKind, type DirectionSpec } from './kinds/index.js';
import { AS_IS, BIAS_BN_MODES, DIR_TYPES, LIKE_THETA, NORM_MODES, type Scaling } from './scaling.js';

export { NORM_MODES, BIAS_BN_MODES, DIR_TYPES, DIRECTION_KINDS };
export type { NormMode, BiasBnMode, DirType, Scaling } from './scaling.js';
export type { DirectionKind, DirectionSpec };

/** Random and gradient directions are rescaled like θ (Li et al. 2018); the others are used as they are. */
export function defaultScaling(kind: DirectionKind): Scaling {
  return { ...(directionKind(kind)!.likeTheta ? LIKE_THETA : AS_IS) };
}

export class DirectionSpecError extends InputError {
  constructor(spec: string, problem: string) {
    super(`direction spec '${spec}': ${problem}`);
    this.name = 'DirectionSpecError';
  }
}

// A trailing `:word=value` segment is an option; anything else belongs to the path (paths may contain ':').
const OPTION_SEGMENT = /^[a-z][a-z0-9-]*=/;

export function parseDirectionSpec(text: string): DirectionSpec {
  const s = text.trim();
  const fail = (problem: string): never => { throw new DirectionSpecError(text, problem); };
  if (s === '') fail(`empty; expected one of: ${DIRECTION_SYNTAX}`);

  const colon = s.indexOf(':');
  const head = colon < 0 ? s : s.slice(0, colon);
  const rest = colon < 0 ? '' : s.slice(colon + 1);
  const def = directionKind(head);
  if (!def) return fail(`unknown kind '${head}'; valid kinds: ${DIRECTION_KINDS.join(', ')} (syntax: ${DIRECTION_SYNTAX})`);
  const kind = def.kind;

  // Split the argument (path, directory or K) from the options.
  let segments = rest === '' ? [] : rest.split(':');
  let arg = '';
  if (def.arg.form === 'path') {
    let cut = segments.length;
    while (cut > 0 && OPTION_SEGMENT.test(segments[cut - 1]!)) cut--;
    arg = segments.slice(0, cut).join(':');
    segments = segments.slice(cut);
    if (arg === '') fail(def.arg.missing);
  } else if (def.arg.form === 'first') {
    if (segments.length === 0 || OPTION_SEGMENT.test(segments[0]!)) fail(def.arg.missing);
    arg = segments.shift()!;
  }

  const options = new Map<string, string>();
  for (const seg of segments) {
    const eq = seg.indexOf('=');
    if (eq <= 0) fail(`option '${seg}' is not key=value; options for '${kind}': ${def.options.join(', ')}`);
    const key = seg.slice(0, eq), value = seg.slice(eq + 1);
    if (!def.options.includes(key)) fail(`unknown option '${key}' for '${kind}'; valid options: ${def.options.join(', ')}`);
    if (options.has(key)) fail(`option '${key}' given twice`);
    options.set(key, value);
  }

  const scaling = defaultScaling(kind);
  const norm = options.get('norm');
  if (norm !== undefined) scaling.norm = oneOf(norm, NORM_MODES, 'norm', fail);
  const biasBn = options.get('bias-bn');
  if (biasBn !== undefined) scaling.biasBn = oneOf(biasBn, BIAS_BN_MODES, 'bias-bn', fail);
  const scale = options.get('scale');
  if (scale !== undefined) {
    const v = Number(scale);
    if (scale.trim() === '' || !Number.isFinite(v) || v === 0) fail(`scale='${scale}' is not a nonzero finite number`);
    scaling.scale = v;
  }
  const dirType = options.get('type');
  if (dirType !== undefined && oneOf(dirType, DIR_TYPES, 'type', fail) === 'states') scaling.dirType = 'states';

  return def.parse(arg, options, scaling, fail);
}

function oneOf<T extends string>(value: string, choices: readonly T[], key: string, fail: (p: string) => never): T {
  if (!(choices as readonly string[]).includes(value)) fail(`${key}='${value}' is not valid; choices: ${choices.join(', ')}`);
  return value as T;
}

/** Canonical text: every option written out, in a fixed order, so equal specs print equally (run.json, caches). */
export function formatDirectionSpec(spec: DirectionSpec): string {
  const states = spec.dirType === 'states' ? ':type=states' : '';
  const tail = `norm=${spec.norm}:bias-bn=${spec.biasBn}:scale=${spec.scale}${states}`;
  return directionKind(spec.kind)!.format(spec, tail, states);
}

/** Accepts text or an already parsed spec. */
export function toDirectionSpec(spec: string | DirectionSpec): DirectionSpec {
  return typeof spec === 'string' ? parseDirectionSpec(spec) : spec;
}
