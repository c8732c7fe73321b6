// The paper's claims (arXiv 2405.12493) as rows: measurements in, a number with its uncertainty and a verdict out.
// Each rule is written next to its row so the table says how "holds" was decided; thresholds are named below.
import { meanAndStderr } from '../linalg/vector.js';
import { fmt, pct, wilson } from './stats.js';

export type Verdict = 'holds' | 'fails' | 'not measured';

export interface ClaimRow {
  claim: string;
  setting: string;
  measured: string;
  uncertainty: string;
  verdict: Verdict;
  /** How the verdict was decided. */
  rule: string;
  /** The raw numbers behind `measured`, for claims.json. */
  values: Record<string, number | string | boolean>;
}

export const RULES = {
  /** GMI holds when at least this fraction of Gaussian-direction curves are v-basins. */
  vBasinFraction: 0.9,
  /** A positive estimate must sit this many standard errors above zero. */
  sigmas: 2,
  /** Mined shapes are rare along Gaussian directions when at most this fraction shows them. */
  rareRate: 0.05,
  /** MLI's second-order explanation: the quadratic's vertex along θ_final → θ_init lies below this λ. */
  vertexLimit: 0.1,
} as const;

export const CLAIMS = {
  gmi: 'Gaussian directions give v-basin curves (GMI)',
  gmiWhy: 'GMI explained: tr(H) > 0 and εᵀHε > 0 with g ≈ 0',
  traceTraining: 'tr(H) stays positive through training',
  mli: 'MLI holds: init → final is monotone',
  mliWhy: 'MLI explained by the same second-order terms',
  twoSolutions: 'two independent solutions make a w-basin',
  negGradient: 'the negative gradient at an early checkpoint makes a v-side',
  rareShapes: 'w-peak and vvv-basin are (almost) never met along Gaussian directions',
  minedShapes: 'mining finds w-peak and vvv-basin directions',
  minedSurfaces: 'mined directions make saddle and wine-bottle surfaces',
} as const;

export interface GmiMeasure {
  seed: number;
  /** Taxonomy type of each direction's measured curve. */
  types: string[];
  /** εᵀHε/‖ε‖² per direction. */
  normalisedCurvatures: number[];
  /** gᵀε per direction, and ½εᵀHε per direction (the λ = 1 size of each term). */
  slopes: number[];
  curvatures: number[];
  predictedVBasinFraction: number;
  traceOverP?: { mean: number; stderr: number };
  /** --tolerance: per direction whether its type flips within its error bars (such a curve counts against a claim). */
  uncertain?: boolean[];
}

export interface TraceMeasure {
  seed: number;
  checkpoints: { name: string; epoch: number; trace: { mean: number; stderr: number } }[];
}

export interface MliMeasure {
  seed: number;
  monotone: boolean;
  maxRise: number;
  bumpHeights: number[];
  lossStart: number;
  lossEnd: number;
  /** gᵀδ and δᵀHδ at θ_final along δ = θ_init − θ_final. */
  slope: number;
  curvature: number;
}

export interface CurveMeasure {
  seed: number;
  type: string;
  /** --tolerance: the type flips within the curve's error bars, so it does not count as the type a claim wants. */
  uncertain?: boolean;
}

/** "; 3 of 10 types uncertain …" where a tolerance run left types uncertain (a table cell: no shell's flag in it). */
function uncertainNote(flags: readonly (boolean | undefined)[]): string {
  const u = flags.filter((f) => f === true).length;
  return flags.some((f) => f !== undefined) ? `; ${u} of ${flags.length} types uncertain within their errors (a tolerance run; counted against the claim)` : '';
}

const seedsOf = (m: readonly { seed: number }[]): string => `seeds ${m.map((x) => x.seed).join(', ')}`;

export function gmiRow(setting: string, ms: readonly GmiMeasure[]): ClaimRow {
  const types = ms.flatMap((m) => m.types);
  const unsure = ms.flatMap((m) => m.types.map((_, i) => m.uncertain?.[i]));
  // An uncertain v-basin (its type flips within its errors) is not counted as one.
  const k = types.filter((t, i) => t === 'v-basin' && unsure[i] !== true).length;
  const w = wilson(k, types.length);
  const predicted = meanAndStderr(ms.map((m) => m.predictedVBasinFraction)).mean;
  return {
    claim: CLAIMS.gmi, setting: `${setting}, ${seedsOf(ms)}, ${types.length} directions`,
    measured: `${k}/${types.length} v-basins (${pct(w.rate)}); second-order prediction ${pct(predicted)}`,
    uncertainty: `95% CI ${pct(w.low)}–${pct(w.high)}${uncertainNote(unsure)}`,
    verdict: w.rate >= RULES.vBasinFraction ? 'holds' : 'fails',
    rule: `holds when ≥ ${pct(RULES.vBasinFraction)} of the curves are v-basins`,
    values: { vBasins: k, curves: types.length, rate: w.rate, low: w.low, high: w.high, predictedRate: predicted },
  };
}

export function gmiWhyRow(setting: string, ms: readonly GmiMeasure[]): ClaimRow {
  const kappa = ms.flatMap((m) => m.normalisedCurvatures);
  const positive = kappa.filter((v) => v > 0).length;
  const ks = meanAndStderr(kappa);
  const traces = ms.map((m) => m.traceOverP).filter((t): t is { mean: number; stderr: number } => !!t);
  const tracesPositive = traces.every((t) => t.mean - RULES.sigmas * t.stderr > 0);
  // g ≈ 0 at θ: the linear term at λ = 1 against the quadratic one, |gᵀε| / (½εᵀHε).
  const ratios = ms.flatMap((m) => m.slopes.map((s, i) => Math.abs(s) / Math.max(1e-300, 0.5 * Math.abs(m.curvatures[i]!))));
  const medianRatio = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)]!;
  const traceText = traces.map((t) => `${fmt(t.mean)} ± ${fmt(t.stderr)}`).join('; ');
  return {
    claim: CLAIMS.gmiWhy, setting: `${setting}, ${seedsOf(ms)}`,
    measured: `tr(H)/P = ${traceText || 'not estimated'}; εᵀHε/‖ε‖² mean ${fmt(ks.mean)}, range [${fmt(Math.min(...kappa))}, ${fmt(Math.max(...kappa))}], ${positive}/${kappa.length} > 0; median |gᵀε|/(½εᵀHε) = ${fmt(medianRatio)}`,
    uncertainty: `εᵀHε/‖ε‖² ± ${fmt(ks.stderr)} (s.e.); tr(H)/P ± s.e. per seed (Hutchinson)`,
    verdict: traces.length > 0 && tracesPositive && positive === kappa.length ? 'holds' : 'fails',
    rule: `holds when every tr(H)/P is > ${RULES.sigmas} s.e. above 0 and every εᵀHε > 0`,
    values: { positiveCurvatures: positive, directions: kappa.length, curvatureMean: ks.mean, curvatureStderr: ks.stderr, medianSlopeToCurvature: medianRatio, tracesPositive },
  };
}

export function traceTrainingRow(setting: string, ms: readonly TraceMeasure[]): ClaimRow {
  const all = ms.flatMap((m) => m.checkpoints);
  const lowest = all.reduce((a, b) => (b.trace.mean - RULES.sigmas * b.trace.stderr < a.trace.mean - RULES.sigmas * a.trace.stderr ? b : a));
  const positive = all.filter((c) => c.trace.mean - RULES.sigmas * c.trace.stderr > 0).length;
  return {
    claim: CLAIMS.traceTraining, setting: `${setting}, ${seedsOf(ms)}, ${all.length} checkpoints`,
    measured: `${positive}/${all.length} checkpoints with tr(H) > 0; lowest ${fmt(lowest.trace.mean)} (${lowest.name}, epoch ${lowest.epoch})`,
    uncertainty: `± ${fmt(lowest.trace.stderr)} (Hutchinson s.e. of the lowest)`,
    verdict: positive === all.length ? 'holds' : 'fails',
    rule: `holds when tr(H) is > ${RULES.sigmas} s.e. above 0 at every checkpoint`,
    values: { positive, checkpoints: all.length, lowest: lowest.trace.mean, lowestStderr: lowest.trace.stderr },
  };
}

export function mliRow(setting: string, ms: readonly MliMeasure[]): ClaimRow {
  const monotone = ms.filter((m) => m.monotone).length;
  const heights = ms.flatMap((m) => m.bumpHeights);
  const rises = ms.map((m) => m.maxRise);
  return {
    claim: CLAIMS.mli, setting: `${setting}, ${seedsOf(ms)}`,
    measured: `${monotone}/${ms.length} paths monotone; ${heights.length} bumps${heights.length ? `, highest ${fmt(Math.max(...heights))}` : ''}; ΔL = ${rises.map(fmt).join(', ')}; L(init) → L(final) = ${ms.map((m) => `${fmt(m.lossStart)} → ${fmt(m.lossEnd)}`).join(', ')}`,
    uncertainty: 'exact on the grid (full-batch loss); bumps narrower than the grid step are missed',
    verdict: monotone === ms.length ? 'holds' : 'fails',
    rule: 'holds when no rise exceeds 0.1% of the path\'s loss range (Lucas et al.\'s ΔL)',
    values: { monotone, paths: ms.length, bumps: heights.length, maxBump: heights.length ? Math.max(...heights) : 0 },
  };
}

export function mliWhyRow(setting: string, ms: readonly MliMeasure[]): ClaimRow {
  // L(θ_final + λδ) ≈ L + λgᵀδ + ½λ²δᵀHδ rises monotonically on [0, 1] when δᵀHδ > 0 and its vertex −gᵀδ/δᵀHδ ≤ ~0.
  const vertices = ms.map((m) => -m.slope / m.curvature);
  const ok = ms.every((m, i) => m.curvature > 0 && vertices[i]! < RULES.vertexLimit);
  return {
    claim: CLAIMS.mliWhy, setting: `${setting}, ${seedsOf(ms)}, expansion at θ_final along θ_init − θ_final`,
    measured: ms.map((m, i) => `gᵀδ ${fmt(m.slope)}, δᵀHδ ${fmt(m.curvature)}, vertex λ* ${fmt(vertices[i]!)}`).join('; '),
    uncertainty: 'exact (full-batch gradient and Hessian-vector product)',
    verdict: ok ? 'holds' : 'fails',
    rule: `holds when δᵀHδ > 0 and the quadratic's vertex λ* = −gᵀδ/δᵀHδ < ${RULES.vertexLimit} (a half v-basin on [0, 1])`,
    values: { curvaturesPositive: ms.every((m) => m.curvature > 0), maxVertex: Math.max(...vertices) },
  };
}

function typeRow(claim: string, setting: string, want: string, ms: readonly CurveMeasure[], extra: string): ClaimRow {
  const k = ms.filter((m) => m.type === want && m.uncertain !== true).length;
  return {
    claim, setting: `${setting}, ${seedsOf(ms)}`,
    measured: `${k}/${ms.length} ${want} (${ms.map((m) => `seed ${m.seed}: ${m.type}${m.uncertain ? ' (uncertain)' : ''}`).join(', ')})${extra ? `; ${extra}` : ''}`,
    uncertainty: `${ms.length} curve${ms.length === 1 ? '' : 's'}; taxonomy of docs/taxonomy.md${uncertainNote(ms.map((m) => m.uncertain))}`,
    verdict: k === ms.length ? 'holds' : 'fails',
    rule: `holds when every curve is classified ${want}${claim === CLAIMS.negGradient ? ' (on λ ∈ [−3λ̂, 3λ̂], λ̂ the bottom of the basin on [−1, 1], zoomed again, twice at most, while the bottom is only one or two grid steps from θ; the type on [−1, 1] is reported beside it)' : ''}`,
    values: { matching: k, curves: ms.length },
  };
}

export function twoSolutionsRow(setting: string, ms: readonly CurveMeasure[], barrier: string): ClaimRow {
  return typeRow(CLAIMS.twoSolutions, setting, 'w-basin', ms, barrier);
}

export function negGradientRow(setting: string, ms: readonly CurveMeasure[], note: string): ClaimRow {
  return typeRow(CLAIMS.negGradient, setting, 'v-side', ms, note);
}

export function rareShapesRow(setting: string, ms: readonly GmiMeasure[]): ClaimRow {
  const types = ms.flatMap((m) => m.types);
  const k = types.filter((t) => t === 'w-peak' || t === 'vvv-basin').length;
  const w = wilson(k, types.length);
  return {
    claim: CLAIMS.rareShapes, setting: `${setting}, ${types.length} Gaussian directions`,
    measured: `${k}/${types.length} w-peak or vvv-basin (${pct(w.rate)})`,
    uncertainty: `95% CI ${pct(w.low)}–${pct(w.high)}${uncertainNote(ms.flatMap((m) => m.types.map((_, i) => m.uncertain?.[i])))}`,
    verdict: w.rate <= RULES.rareRate ? 'holds' : 'fails',
    rule: `holds when ≤ ${pct(RULES.rareRate)} of Gaussian curves show either shape`,
    values: { count: k, curves: types.length, rate: w.rate, high: w.high },
  };
}

export function notMeasuredRow(claim: string, setting: string, reason: string): ClaimRow {
  return { claim, setting, measured: `not measured: ${reason}`, uncertainty: '—', verdict: 'not measured', rule: '—', values: {} };
}

export interface MineMeasure {
  shape: string;
  /** Held-out verdict of each restart. */
  types: string[];
  successes: number;
  /** The same directions' curves on (a subset of) the mining data. */
  inSampleTypes: (string | null)[];
}

/** Mined success rate per shape against the rate of the same shapes among Gaussian curves. */
export function minedShapesRow(setting: string, mined: readonly MineMeasure[], gaussian: readonly GmiMeasure[]): ClaimRow {
  const gTypes = gaussian.flatMap((m) => m.types);
  const parts = mined.map((m) => {
    const w = wilson(m.successes, m.types.length);
    const g = wilson(gTypes.filter((t) => t === m.shape).length, gTypes.length);
    return { m, w, g, ok: m.successes > 0 && w.rate > g.high };
  });
  return {
    claim: CLAIMS.minedShapes, setting: `${setting}, seed-0 model, ${mined.map((m) => `${m.types.length} ${m.shape} restarts`).join(', ')}; verdict on held-out data`,
    measured: parts.map(({ m, w, g }) => `${m.shape}: mined ${m.successes}/${m.types.length} held-out (${pct(w.rate)}), ${m.inSampleTypes.filter((t) => t === m.shape).length}/${m.types.length} on training data; Gaussian ${pct(g.rate)}`).join('; '),
    uncertainty: parts.map(({ m, w, g }) => `${m.shape} mined 95% CI ${pct(w.low)}–${pct(w.high)}, Gaussian ≤ ${pct(g.high)}`).join('; '),
    verdict: parts.length > 0 && parts.every((p) => p.ok) ? 'holds' : 'fails',
    rule: 'holds when, for each shape, the mined success rate exceeds the 95% upper bound of its rate among Gaussian curves',
    values: Object.fromEntries(parts.flatMap(({ m, w, g }) => [[`${m.shape}Mined`, w.rate], [`${m.shape}GaussianHigh`, g.high]])),
  };
}

export interface SurfaceMeasure {
  /** What spans it, e.g. 'mined w-peak × Gaussian'. */
  axes: string;
  want: 'saddle' | 'wine-bottle';
  shape: string;
  rays: string[];
}

export function minedSurfacesRow(setting: string, ms: readonly SurfaceMeasure[]): ClaimRow {
  const ok = ms.filter((m) => m.shape === m.want).length;
  return {
    claim: CLAIMS.minedSurfaces, setting: `${setting}, seed-0 model`,
    measured: ms.map((m) => `${m.axes}: ${m.shape} (want ${m.want}; rays ${m.rays.join(' ')})`).join('; '),
    uncertainty: `${ms.length} surface${ms.length === 1 ? '' : 's'}; shape from 8 rays through θ (surface-shape.ts)`,
    verdict: ms.length > 0 && ok === ms.length ? 'holds' : 'fails',
    rule: 'holds when the mined w-peak × Gaussian surface is a saddle and the w-peak × w-peak surface a wine bottle (surfaces on training data, from directions whose training-data curve is a w-peak)',
    values: { matching: ok, surfaces: ms.length },
  };
}
