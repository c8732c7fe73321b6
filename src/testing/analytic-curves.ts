// Analytic loss curves with known taxonomy, sampled on a grid with seeded noise: ground truth for the classifier's
// tests and material for examples. Wells are Gaussian dips so the curve's range stays bounded on any interval.

import type { Rng } from '../core/rng.js';
import { linspace as gridPoints } from '../core/runs/grid.js';

export type CurveFn = (lambda: number) => number;

/** n points from a to b, as a CLI range a:b:n gives them. */
export function linspace(a: number, b: number, n: number): number[] {
  return gridPoints({ from: a, to: b, count: n });
}

/** k·(λ − c)². */
export const bowl = (c = 0, k = 1): CurveFn => (x) => k * (x - c) ** 2;

/** 1 − Σ depth_k · exp(−(λ − c_k)² / (2 w²)): one dip per centre. */
export function wells(centres: readonly number[], width: number, depths: readonly number[] = centres.map(() => 1)): CurveFn {
  return (x) => 1 - centres.reduce((s, c, k) => s + depths[k]! * Math.exp(-((x - c) ** 2) / (2 * width * width)), 0);
}

/** `count` equal wells spread evenly over [a, b], each a quarter-ish of its share of the interval wide. */
export function evenWells(a: number, b: number, count: number): CurveFn {
  const share = (b - a) / count;
  return wells(Array.from({ length: count }, (_, k) => a + share * (k + 0.5)), share / 4.5);
}

export const sum = (...fs: CurveFn[]): CurveFn => (x) => fs.reduce((s, f) => s + f(x), 0);

export interface SampledCurve { lambdas: number[]; loss: number[] }

/**
 * f on n points of [a, b], plus Gaussian noise of standard deviation noise · (range of the clean samples),
 * or noise · |mean| when the clean curve is constant.
 */
export function sample(f: CurveFn, a: number, b: number, n: number, noise: number, rng: Rng): SampledCurve {
  const lambdas = linspace(a, b, n);
  const clean = lambdas.map(f);
  const range = Math.max(...clean) - Math.min(...clean);
  const scale = range > 0 ? range : Math.abs(clean.reduce((s, v) => s + v, 0) / n);
  return { lambdas, loss: clean.map((v) => v + noise * scale * rng.normal()) };
}

/** Pure noise around `level`: no structure at any scale. */
export function noiseCurve(a: number, b: number, n: number, level: number, rng: Rng): SampledCurve {
  const lambdas = linspace(a, b, n);
  return { lambdas, loss: lambdas.map(() => level + rng.normal()) };
}
