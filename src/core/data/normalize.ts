// Which normalisation a data set gets: the CLI's --normalize (`per-channel`, `none`, or fixed `MEAN,STD` with
// per-channel lists joined by ';'), its canonical text (recorded in run.json), and the default of each source:
// known image sets are standardised with their training split's statistics, user arrays are used as given.

import type { DataSpec } from './spec.js';
import { option, worded } from '../../ir/errors.js';
import { DataError } from './errors.js';

export type Normalization =
  | { kind: 'none' }
  /** Mean and population std of every channel of the training split, applied to every split. */
  | { kind: 'per-channel' }
  /** Given statistics, one pair for every channel or one pair for all channels: x' = (x − mean[c]) / std[c]. */
  | { kind: 'fixed'; mean: number[]; std: number[] };

export const NORMALIZE_FORMS = "per-channel | none | MEAN,STD (per channel 'm1;m2;m3,s1;s2;s3')";

/** Parses a --normalize value; a DataError naming the flag and the forms otherwise. */
export function parseNormalization(text: string): Normalization {
  const t = text.trim();
  if (t === 'none') return { kind: 'none' };
  if (t === 'per-channel') return { kind: 'per-channel' };
  const parts = t.split(',');
  const bad = (why: string) => new DataError(worded`${option('normalize', `'${text}'`)}: ${why}; expected ${NORMALIZE_FORMS}, e.g. 0.1307,0.3081 or 0.4914;0.4822;0.4465,0.247;0.2435;0.2616`);
  if (parts.length !== 2) throw bad('not one of the named forms and not MEAN,STD');
  const [mean, std] = parts.map((p) => p.split(';').map((s) => (s.trim() === '' ? NaN : Number(s)))) as [number[], number[]];
  if ([...mean, ...std].some((v) => !Number.isFinite(v))) throw bad('every mean and std must be a number');
  if (mean.length !== std.length) throw bad(`${mean.length} mean(s) but ${std.length} std(s)`);
  if (std.some((s) => s <= 0)) throw bad('every std must be positive');
  return { kind: 'fixed', mean, std };
}

/** The canonical text: parseNormalization(formatNormalization(n)) equals n. */
export function formatNormalization(n: Normalization): string {
  return n.kind === 'fixed' ? `${n.mean.join(';')},${n.std.join(';')}` : n.kind;
}

/** The default of a source: per-channel for the known data sets, none for user arrays (npy:, npz:). */
export function defaultNormalization(spec: DataSpec): Normalization {
  return spec.kind === 'npy' || spec.kind === 'npz' ? { kind: 'none' } : { kind: 'per-channel' };
}

/** A Normalization from what a caller passed (text, object or nothing), with the source's default. */
export function toNormalization(value: Normalization | string | undefined, spec: DataSpec): Normalization {
  if (value === undefined) return defaultNormalization(spec);
  return typeof value === 'string' ? parseNormalization(value) : value;
}
