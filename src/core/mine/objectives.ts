// What a mined direction should look like, written as a smooth function of the loss at a few probe points
// f_k = L(θ + λ_k ε). Lower is better. The reasoning behind each shape is in docs/mining.md ("Objectives").
//
// Named shapes are sets of ordering constraints "f_hi − f_lo ≥ m" between probes (a basin is a probe lower than its
// neighbours, a barrier or wall one higher than them), each scored by a smooth hinge
//   h(x) = w · softplus(x / w),  x = m − (f_hi − f_lo),  m = margin · (max f − min f) + floor · f(0),  w = softness · m,
// so a satisfied constraint (by more than a few w) stops pulling and the others take over, and the objective is
// nearly flat only when every constraint holds with room to spare. The margin is relative to the probes' range
// because the taxonomy judges a basin by its prominence relative to the curve's range: a shape whose walls soar
// has insignificant inner basins, so the walls are pulled down as much as the barriers are pushed up.
// A template matches the normalised curve instead: J = 1 − corr(f, t) over the template's λ's, which ignores the
// curve's offset and scale and scores only its shape.
import type { CurveType } from '../classify/index.js';

export const NAMED_SHAPES = ['w-peak', 'vvv-basin', 'w-basin', 'v-side'] as const satisfies readonly CurveType[];
export type NamedShape = (typeof NAMED_SHAPES)[number];

/**
 * The curve types that have no mining rule, and why. With RULES below this covers every CurveType exactly once (the
 * compiler checks both), so a new curve type does not compile until it gets a rule or a reason here.
 */
export const NOT_MINED: Readonly<Record<Exclude<CurveType, NamedShape>, string>> = {
  'v-basin': 'what a Gaussian direction gives almost always (GMI): nothing to search for',
  peak: 'no ordering rule yet; a template:FILE shaped as a hump aims for it',
  monotone: 'no ordering rule yet; a template:FILE that only rises aims for it',
  flat: 'the absence of a shape: the rules\' floor term keeps a flat curve from scoring well',
  chaotic: 'a verdict about the grid (too many or too narrow basins), not a shape to aim for',
};

export interface ObjectiveValue {
  value: number;
  /** ∂J/∂f_k for each probe. */
  grad: number[];
}

export interface Objective {
  /** 'w-peak', …, or 'template:FILE'. */
  shape: string;
  /** Probe points λ_k (absolute λ, 0 = θ). */
  probes: readonly number[];
  evaluate(f: readonly number[]): ObjectiveValue;
  /** The taxonomy type that counts as success on held-out data. */
  target: CurveType;
  /** The λ interval the dense judging grid covers by default. */
  judgeInterval: [number, number];
}

export interface ShapeOptions {
  /** λ₀: the distance from θ of the shape's features (basins, barriers). */
  lambda0: number;
  /** The required loss difference of each ordering, as a fraction of the probes' range (max − min). */
  margin: number;
  /** … plus this fraction of the loss at θ (keeps a flat curve from passing). */
  floor: number;
  /** w / m: the width of the smooth hinge's knee. */
  softness: number;
}

/** λ₀ defaults per shape (DEFAULT_LAMBDA0); the other options are shared. */
export const DEFAULT_SHAPE_OPTIONS: Readonly<Omit<ShapeOptions, 'lambda0'>> = { margin: 0.1, floor: 0.05, softness: 0.25 };

/** "f at probe hi exceeds f at probe lo", probes given as multiples of λ₀. */
type Order = readonly [hi: number, lo: number];

interface ShapeRule {
  probes: readonly number[];
  orders: readonly Order[];
  target: CurveType;
  /** Judging interval in multiples of λ₀. */
  judge: [number, number];
  /** Default λ₀ (filter-normalised units): measured on a trained digits MLP, see docs/mining.md. */
  lambda0: number;
}

// Probes are multiples of λ₀. Every named shape is judged on [−2λ₀, 2λ₀]: walls at ±2λ₀ close the outer basins.
const RULES: Record<NamedShape, ShapeRule> = {
  // Two basins at ±λ₀ lower than θ, walls at ±2λ₀ higher than them: θ is the barrier between two basins.
  'w-peak': { probes: [-2, -1, 0, 1, 2], orders: [[0, -1], [0, 1], [-2, -1], [2, 1]], target: 'w-peak', judge: [-2, 2], lambda0: 1 },
  // Basins at −λ₀, 0, λ₀ separated by barriers at ±λ₀/2, outer walls at ±2λ₀.
  'vvv-basin': {
    probes: [-2, -1, -0.5, 0, 0.5, 1, 2],
    orders: [[-0.5, -1], [-0.5, 0], [0.5, 0], [0.5, 1], [-2, -1], [2, 1]],
    target: 'vvv-basin', judge: [-2, 2], lambda0: 2,
  },
  // θ at the bottom of one basin (walled at −λ₀ and λ₀/2), a second basin at λ₀ walled at 2λ₀.
  'w-basin': { probes: [-1, 0, 0.5, 1, 2], orders: [[-1, 0], [0.5, 0], [0.5, 1], [2, 1]], target: 'w-basin', judge: [-2, 2], lambda0: 1 },
  // One basin at λ₀ with θ on its wall: rising on both sides of λ₀, and still rising left of θ.
  'v-side': { probes: [-1, 0, 1, 2], orders: [[-1, 0], [0, 1], [2, 1]], target: 'v-side', judge: [-2, 2], lambda0: 0.5 },
};

export function isNamedShape(s: string): s is NamedShape {
  return (NAMED_SHAPES as readonly string[]).includes(s);
}

export function namedObjective(shape: NamedShape, options: Partial<ShapeOptions> = {}): Objective {
  const rule = RULES[shape];
  const o = shapeOptions(shape, options);
  if (!(o.lambda0 > 0)) throw new Error(`mining: λ₀ must be positive, got ${o.lambda0}`);
  if (!(o.margin > 0)) throw new Error(`mining: margin must be positive, got ${o.margin}`);
  if (!(o.floor >= 0)) throw new Error(`mining: floor must be ≥ 0, got ${o.floor}`);
  if (!(o.softness > 0)) throw new Error(`mining: softness must be positive, got ${o.softness}`);
  const index = new Map(rule.probes.map((p, k) => [p, k]));
  const zero = index.get(0);
  if (zero === undefined) throw new Error(`shape '${shape}' has no probe at λ = 0`);
  const pairs = rule.orders.map(([hi, lo]) => [index.get(hi)!, index.get(lo)!] as const);
  return {
    shape,
    probes: rule.probes.map((p) => p * o.lambda0),
    target: rule.target,
    judgeInterval: [rule.judge[0] * o.lambda0, rule.judge[1] * o.lambda0],
    evaluate: (f) => orderingObjective(f, pairs, zero, o.margin, o.floor, o.softness),
  };
}

/**
 * Σ over pairs of w·softplus((m − (f_hi − f_lo))/w), with m = margin·(max f − min f) + floor·|f(0)| and w = softness·m.
 * The range term makes every ordering significant on the scale the taxonomy judges it (prominence relative to the
 * curve's range), so walls that soar are penalised as much as barriers that are too low; the floor keeps a flat
 * curve (range → 0) from satisfying every ordering for free.
 */
export function orderingObjective(
  f: readonly number[], pairs: readonly (readonly [number, number])[], zero: number, margin: number, floor: number, softness: number,
): ObjectiveValue {
  let hiK = 0, loK = 0;
  f.forEach((v, k) => { if (v > f[hiK]!) hiK = k; if (v < f[loK]!) loK = k; });
  const m = margin * (f[hiK]! - f[loK]!) + floor * Math.abs(f[zero]!);
  // A loss of exactly 0 everywhere leaves no scale; fall back to an absolute knee so the objective stays smooth.
  const w = m > 0 ? softness * m : softness * 1e-6;
  const grad = new Array<number>(f.length).fill(0);
  let value = 0;
  for (const [hi, lo] of pairs) {
    const x = (m - (f[hi]! - f[lo]!)) / w;
    value += w * softplus(x);
    // With Δ = f_hi − f_lo: ∂J/∂Δ = −σ(x), and since w = softness·m, ∂J/∂m = softness·softplus(x) + σ(x)·(1 − x·softness).
    const s = sigmoid(x);
    grad[hi]! -= s;
    grad[lo]! += s;
    const dm = m > 0 ? softness * softplus(x) + s * (1 - x * softness) : 0;
    grad[hiK]! += dm * margin;
    grad[loK]! -= dm * margin;
    // m also depends on f(0) through the floor, but f(0) = L(θ) does not depend on ε: that entry is never used.
  }
  return { value, grad };
}

/** J = 1 − Pearson correlation of the probe losses with the template values, and its gradient. */
export function correlationObjective(f: readonly number[], target: readonly number[]): ObjectiveValue {
  const n = f.length;
  if (target.length !== n) throw new Error(`template has ${target.length} values, the curve ${n}`);
  const fm = mean(f), tm = mean(target);
  let ft = 0, ff = 0, tt = 0;
  for (let k = 0; k < n; k++) {
    const a = f[k]! - fm, b = target[k]! - tm;
    ft += a * b; ff += a * a; tt += b * b;
  }
  if (tt === 0) throw new Error('template values are all equal; a shape needs at least two different values');
  if (ff === 0) return { value: 1, grad: Array.from({ length: n }, (_, k) => -(target[k]! - tm) / Math.sqrt(tt)) };
  const r = ft / Math.sqrt(ff * tt);
  // ∂r/∂f_k = (t_k − t̄)/√(ff·tt) − r·(f_k − f̄)/ff  (the mean terms cancel because both are centred)
  const grad = Array.from({ length: n }, (_, k) => -((target[k]! - tm) / Math.sqrt(ff * tt) - (r * (f[k]! - fm)) / ff));
  return { value: 1 - r, grad };
}

/** The options of a named shape with every default filled in (for run records). */
export function shapeOptions(shape: NamedShape, options: Partial<ShapeOptions> = {}): ShapeOptions {
  return { lambda0: RULES[shape].lambda0, ...DEFAULT_SHAPE_OPTIONS, ...definedOnly(options) };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function softplus(x: number): number {
  return x > 30 ? x : Math.log1p(Math.exp(x));
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

function mean(v: readonly number[]): number {
  let s = 0;
  for (const x of v) s += x;
  return s / v.length;
}
