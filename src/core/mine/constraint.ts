// The norm constraint of a mined direction, kept by reparameterisation plus projection.
//
// A direction d is admissible when every group g of its entries has the norm of θ on that group, ‖d_g‖ = ‖θ_g‖
// (the same rescaling as normalizeDirection: filter = each output filter, layer = each tensor, norm = all tensors of
// rank ≥ 2 together; 1-D tensors are either left at 0 (bias-bn=zero) or one group per tensor (bias-bn=norm)).
// The optimiser does not move d itself but u = d / s with s_g = ‖θ_g‖/√n_g per group, so every group of u has
// root-mean-square entry 1 (‖u_g‖ = √n_g). In u one Adam learning rate means the same relative step in every layer,
// whatever its scale. A step is: Euclidean gradient in d → chain rule to u (× s) → projection onto the tangent of
// each group's sphere (the radial part would only be undone) → Adam → retraction back onto the spheres.
// Groups where ‖θ_g‖ = 0 are frozen at 0, as normalizeDirection leaves them.
// With a parameter subset (--params) only the named tensors form groups: everything else is frozen at 0 and the
// 'norm' group is θ's norm over the subset, as normalizeInSubset (directions/param-subset.ts) does for other kinds.
import { InputError, option, worded } from '../../ir/errors.js';
import type { ParamLayout, ParamVector } from '../params.js';
import type { BiasBnMode, NormMode } from '../directions/spec.js';

export const MINE_NORMS = ['filter', 'layer', 'norm'] as const;
export const MINE_BIAS_BN = ['zero', 'norm'] as const;
export type MineNorm = (typeof MINE_NORMS)[number];
export type MineBiasBn = (typeof MINE_BIAS_BN)[number];

export interface ConstraintOptions {
  norm: MineNorm;
  biasBn: MineBiasBn;
  /** --params: the pattern and the tensors the direction may move (absent: every tensor). */
  params?: { pattern: string; tensors: string[] };
}

/** A parameter subset that names unknown tensors or leaves nothing to move: bad input (exit 2). */
export class MiningSubsetError extends InputError {
  override name = 'MiningSubsetError';
}

interface Group {
  /** [from, to) index ranges into the flat vector (several for the global 'norm' group). */
  ranges: [number, number][];
  /** Number of entries n_g. */
  count: number;
  /** s_g = ‖θ_g‖/√n_g. */
  scale: number;
}

/** Membership in the subset; every tensor when there is none. Unknown names are refused (a run mined on another model). */
function subsetOf(layout: ParamLayout, params: ConstraintOptions['params']): (name: string) => boolean {
  if (!params) return () => true;
  const known = new Set(layout.slots.map((s) => s.name));
  const unknown = params.tensors.filter((n) => !known.has(n));
  const given = option('params', `'${params.pattern}'`);
  if (unknown.length > 0) throw new MiningSubsetError(worded`${given}: tensor(s) ${unknown.join(', ')} are not parameters of this model`);
  if (params.tensors.length === 0) throw new MiningSubsetError(worded`${given} selects no tensor`);
  const names = new Set(params.tensors);
  return (name) => names.has(name);
}

export class NormConstraint {
  private constructor(readonly layout: ParamLayout, readonly options: ConstraintOptions, private readonly groups: readonly Group[]) {}

  static of(theta: ParamVector, options: ConstraintOptions): NormConstraint {
    const norm = options.norm as NormMode, biasBn = options.biasBn as BiasBnMode;
    if (!(MINE_NORMS as readonly string[]).includes(norm)) throw new Error(`mining norm '${norm}' is not one of ${MINE_NORMS.join(', ')} (a mined direction needs a radius)`);
    if (!(MINE_BIAS_BN as readonly string[]).includes(biasBn)) throw new Error(`mining bias-bn '${biasBn}' is not one of ${MINE_BIAS_BN.join(', ')}`);
    const t = theta.data;
    const inSubset = subsetOf(theta.layout, options.params);
    const ranges: [number, number][][] = [];
    const global: [number, number][] = [];
    for (const s of theta.layout.slots) {
      const end = s.offset + s.size;
      if (!inSubset(s.name)) continue;
      if (s.filters === 0) {
        if (biasBn === 'norm') ranges.push([[s.offset, end]]);
      } else if (norm === 'norm') {
        global.push([s.offset, end]);
      } else if (norm === 'layer') {
        ranges.push([[s.offset, end]]);
      } else {
        const per = s.size / s.filters;
        for (let f = 0; f < s.filters; f++) ranges.push([[s.offset + f * per, s.offset + (f + 1) * per]]);
      }
    }
    if (global.length > 0) ranges.push(global);
    const groups: Group[] = [];
    for (const r of ranges) {
      let count = 0, sq = 0;
      for (const [a, b] of r) {
        count += b - a;
        for (let i = a; i < b; i++) sq += t[i]! * t[i]!;
      }
      if (sq > 0) groups.push({ ranges: r, count, scale: Math.sqrt(sq / count) });
    }
    if (groups.length === 0 && options.params) {
      const oneD = biasBn === 'zero' ? worded`, or they are 1-D (biases, BN), which ${option('bias-bn', 'zero')} leaves at 0 (use ${option('bias-bn', 'norm')})` : '';
      throw new MiningSubsetError(worded`${option('params', `'${options.params.pattern}'`)}: the tensors it selects (${options.params.tensors.join(', ')}) leave nothing to mine: θ is zero on them${oneD}`);
    }
    if (groups.length === 0) throw new Error('mining: every constrained group of θ is zero, so no direction has a nonzero norm');
    return new NormConstraint(theta.layout, options, groups);
  }

  get size(): number {
    return this.layout.size;
  }

  /** Entries the direction may move (the others stay 0). */
  get freeCount(): number {
    return this.groups.reduce((n, g) => n + g.count, 0);
  }

  /** Rescales every group of u in place to ‖u_g‖ = √n_g; entries outside all groups become 0. */
  projectInPlace(u: Float32Array): void {
    this.checkLength(u, 'u');
    const keep = new Uint8Array(u.length);
    for (const g of this.groups) {
      let sq = 0;
      for (const [a, b] of g.ranges) for (let i = a; i < b; i++) { sq += u[i]! * u[i]!; keep[i] = 1; }
      if (sq === 0) throw new Error('mining: a group of the direction collapsed to zero; lower the learning rate');
      const f = Math.sqrt(g.count / sq);
      for (const [a, b] of g.ranges) for (let i = a; i < b; i++) u[i] = u[i]! * f;
    }
    for (let i = 0; i < u.length; i++) if (!keep[i]) u[i] = 0;
  }

  /** d = s ⊙ u: the direction in parameter units (admissible when u is projected). */
  toDirection(u: Float32Array): ParamVector {
    this.checkLength(u, 'u');
    const d = new Float32Array(u.length);
    for (const g of this.groups) for (const [a, b] of g.ranges) for (let i = a; i < b; i++) d[i] = u[i]! * g.scale;
    return { layout: this.layout, data: d };
  }

  /** u = d / s: the optimiser's coordinates of a direction (projected, so any nonzero d is accepted). */
  fromDirection(d: ParamVector): Float32Array {
    this.layout.assertSame(d.layout, 'direction');
    const u = new Float32Array(d.data.length);
    for (const g of this.groups) for (const [a, b] of g.ranges) for (let i = a; i < b; i++) u[i] = d.data[i]! / g.scale;
    this.projectInPlace(u);
    return u;
  }

  /**
   * ∂J/∂u projected onto the tangent space of the spheres at u, from gradD = ∂J/∂d:
   * g_u = s ⊙ gradD, then g_u − (g_u·u_g / ‖u_g‖²) u_g per group; 0 outside the groups.
   */
  tangentGradient(u: Float32Array, gradD: Float32Array | Float64Array): Float32Array {
    this.checkLength(u, 'u');
    this.checkLength(gradD, 'gradient');
    const out = new Float32Array(u.length);
    for (const g of this.groups) {
      let gu = 0, uu = 0;
      for (const [a, b] of g.ranges) {
        for (let i = a; i < b; i++) { const gi = gradD[i]! * g.scale; gu += gi * u[i]!; uu += u[i]! * u[i]!; }
      }
      const c = uu === 0 ? 0 : gu / uu;
      for (const [a, b] of g.ranges) for (let i = a; i < b; i++) out[i] = gradD[i]! * g.scale - c * u[i]!;
    }
    return out;
  }

  private checkLength(v: ArrayLike<number>, what: string): void {
    if (v.length !== this.layout.size) throw new Error(`mining: ${what} has ${v.length} entries, the model has ${this.layout.size} parameters`);
  }
}
