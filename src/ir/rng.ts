// Seeded randomness, identical on every machine and Node version. It lives at the bottom layer so that the zoo's
// initialiser (ir) and core share it. Own code (not Math.random or a library) because results must be
// bit-reproducible from a seed alone: xoshiro128** on 32-bit integer arithmetic, seeded by splitmix32; Gaussians by
// Box–Muller in float64.

export interface Rng {
  /** Uniform in [0, 1), 32 bits of resolution. */
  uniform(): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** ±1 with equal probability. */
  rademacher(): number;
}

/**
 * Standard normals from a uniform [0, 1) source by Box–Muller in float64, two per pair of uniforms (cos, then the
 * sin spare). The one Gaussian transform of terrain: createRng and the zoo's per-tensor streams both use it.
 */
export function boxMuller(uniform: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) { const s = spare; spare = undefined; return s; }
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function createRng(seed: number): Rng {
  const sm = splitmix32(seed);
  let a = sm(), b = sm(), c = sm(), d = sm();
  if ((a | b | c | d) === 0) a = 1;
  const next = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0;
    const t = (b << 9) >>> 0;
    c ^= a; d ^= b; b ^= c; a ^= d; c ^= t;
    d = rotl(d, 11);
    a >>>= 0; b >>>= 0; c >>>= 0;
    return result;
  };
  const uniform = (): number => next() / 4294967296;
  return {
    uniform,
    normal: boxMuller(uniform),
    int(n: number) { return Math.floor(uniform() * n); },
    rademacher() { return (next() & 1) === 0 ? -1 : 1; },
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Fills a new Float32Array with N(0, std²) draws. */
export function normalArray(rng: Rng, n: number, std = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal() * std;
  return out;
}

/** Fisher–Yates permutation of 0..n-1. */
export function permutation(rng: Rng, n: number): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i]!; p[i] = p[j]!; p[j] = t;
  }
  return p;
}
