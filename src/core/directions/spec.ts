// The direction spec syntax shared by every command: `KIND[:ARG][:key=value]...` → a typed spec, and back.
// Parsing is strict: an unknown kind, option or value is an error that names the bad part and lists the choices,
// because a silently ignored typo would map a different landscape than the one the user asked for.
import { InputError } from '../../ir/errors.js';

// 'weight', 'dfilter' and 'dlayer' are loss-landscape's (Li et al. 2018) other normalisations, 'copy' its 1-D policy
// without --xignore biasbn (docs/directions.md maps every LL option onto these).
export const NORM_MODES = ['filter', 'layer', 'norm', 'none', 'weight', 'dfilter', 'dlayer'] as const;
export const BIAS_BN_MODES = ['zero', 'keep', 'norm', 'copy'] as const;
/** LL's dir_type: 'states' extends the direction to the BN running statistics (applied with --bn perturb). */
export const DIR_TYPES = ['weights', 'states'] as const;
export const DIRECTION_KINDS = ['gaussian', 'gradient', 'to', 'file', 'pca', 'eigen', 'mined'] as const;

export type NormMode = (typeof NORM_MODES)[number];
export type BiasBnMode = (typeof BIAS_BN_MODES)[number];
export type DirectionKind = (typeof DIRECTION_KINDS)[number];
export type DirType = (typeof DIR_TYPES)[number];

/** How a raw vector becomes the direction: per-tensor/filter rescaling, 1-D tensor policy, final factor. */
export interface Scaling {
  norm: NormMode;
  biasBn: BiasBnMode;
  scale: number;
  /** Present only for a states direction (`type=states`), so that every weights spec reads and prints as before. */
  dirType?: 'states';
}

export type DirectionSpec =
  | ({ kind: 'gaussian'; seed: number } & Scaling)
  | ({ kind: 'gradient' } & Scaling)
  | ({ kind: 'to'; path: string } & Scaling)
  | ({ kind: 'file'; path: string } & Scaling)
  | ({ kind: 'pca'; dir: string; k: 1 | 2 } & Scaling)
  | ({ kind: 'eigen'; k: number } & Scaling)
  | ({ kind: 'mined'; path: string } & Scaling);

/** Random and gradient directions are rescaled like θ (Li et al. 2018); the others are used as they are. */
export function defaultScaling(kind: DirectionKind): Scaling {
  return kind === 'gaussian' || kind === 'gradient'
    ? { norm: 'filter', biasBn: 'zero', scale: 1 }
    : { norm: 'none', biasBn: 'keep', scale: 1 };
}

const COMMON_OPTIONS = ['norm', 'bias-bn', 'scale'];
const OPTIONS: Record<DirectionKind, readonly string[]> = {
  gaussian: ['norm', 'seed', 'bias-bn', 'scale', 'type'],
  gradient: COMMON_OPTIONS,
  to: [...COMMON_OPTIONS, 'type'],
  file: [...COMMON_OPTIONS, 'type'],
  pca: ['k', ...COMMON_OPTIONS],
  eigen: COMMON_OPTIONS,
  mined: COMMON_OPTIONS,
};

const SYNTAX =
  'gaussian[:norm=filter|layer|norm|none|weight|dfilter|dlayer][:seed=N][:bias-bn=zero|keep|norm|copy][:scale=S][:type=weights|states], ' +
  'gradient[:norm=…][:bias-bn=…], to:CKPT[:type=states], file:PATH[:type=states], pca:DIR[:k=1|2], eigen:K, mined:PATH';

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
  if (s === '') fail(`empty; expected one of: ${SYNTAX}`);

  const colon = s.indexOf(':');
  const head = colon < 0 ? s : s.slice(0, colon);
  const rest = colon < 0 ? '' : s.slice(colon + 1);
  if (!(DIRECTION_KINDS as readonly string[]).includes(head)) {
    fail(`unknown kind '${head}'; valid kinds: ${DIRECTION_KINDS.join(', ')} (syntax: ${SYNTAX})`);
  }
  const kind = head as DirectionKind;

  // Split the argument (path, directory or K) from the options.
  let segments = rest === '' ? [] : rest.split(':');
  let arg = '';
  if (kind === 'to' || kind === 'file' || kind === 'pca' || kind === 'mined') {
    let cut = segments.length;
    while (cut > 0 && OPTION_SEGMENT.test(segments[cut - 1]!)) cut--;
    arg = segments.slice(0, cut).join(':');
    segments = segments.slice(cut);
    if (arg === '') fail(`'${kind}' needs a ${kind === 'pca' ? 'training directory' : 'file path'}: ${kind}:${kind === 'pca' ? 'DIR' : 'PATH'}`);
  } else if (kind === 'eigen') {
    if (segments.length === 0 || OPTION_SEGMENT.test(segments[0]!)) fail(`'eigen' needs the eigenvector index: eigen:K with K = 1 for the top eigenvalue`);
    arg = segments.shift()!;
  }

  const options = new Map<string, string>();
  for (const seg of segments) {
    const eq = seg.indexOf('=');
    if (eq <= 0) fail(`option '${seg}' is not key=value; options for '${kind}': ${OPTIONS[kind].join(', ')}`);
    const key = seg.slice(0, eq), value = seg.slice(eq + 1);
    if (!OPTIONS[kind].includes(key)) fail(`unknown option '${key}' for '${kind}'; valid options: ${OPTIONS[kind].join(', ')}`);
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

  switch (kind) {
    case 'gaussian': {
      const seedText = options.get('seed') ?? '0';
      const seed = Number(seedText);
      if (!/^\d+$/.test(seedText) || seed > 0xffffffff) fail(`seed='${seedText}' is not an integer in 0..4294967295`);
      return { kind, seed, ...scaling };
    }
    case 'gradient': return { kind, ...scaling };
    case 'to': return { kind, path: arg, ...scaling };
    case 'file': return { kind, path: arg, ...scaling };
    case 'mined': return { kind, path: arg, ...scaling };
    case 'pca': {
      const kText = options.get('k') ?? '1';
      if (kText !== '1' && kText !== '2') fail(`k='${kText}' is not a principal component index; valid: 1, 2`);
      return { kind, dir: arg, k: kText === '1' ? 1 : 2, ...scaling };
    }
    case 'eigen': {
      if (!/^[1-9]\d*$/.test(arg)) fail(`eigen index '${arg}' is not a positive integer (1 = top eigenvalue)`);
      return { kind, k: Number(arg), ...scaling };
    }
  }
}

function oneOf<T extends string>(value: string, choices: readonly T[], key: string, fail: (p: string) => never): T {
  if (!(choices as readonly string[]).includes(value)) fail(`${key}='${value}' is not valid; choices: ${choices.join(', ')}`);
  return value as T;
}

/** Canonical text: every option written out, in a fixed order, so equal specs print equally (run.json, caches). */
export function formatDirectionSpec(spec: DirectionSpec): string {
  const states = spec.dirType === 'states' ? ':type=states' : '';
  const tail = `norm=${spec.norm}:bias-bn=${spec.biasBn}:scale=${spec.scale}${states}`;
  switch (spec.kind) {
    case 'gaussian': return `gaussian:norm=${spec.norm}:seed=${spec.seed}:bias-bn=${spec.biasBn}:scale=${spec.scale}${states}`;
    case 'gradient': return `gradient:${tail}`;
    case 'to': return `to:${spec.path}:${tail}`;
    case 'file': return `file:${spec.path}:${tail}`;
    case 'mined': return `mined:${spec.path}:${tail}`;
    case 'pca': return `pca:${spec.dir}:k=${spec.k}:${tail}`;
    case 'eigen': return `eigen:${spec.k}:${tail}`;
  }
}

/** Accepts text or an already parsed spec. */
export function toDirectionSpec(spec: string | DirectionSpec): DirectionSpec {
  return typeof spec === 'string' ? parseDirectionSpec(spec) : spec;
}
