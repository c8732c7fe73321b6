// Per-channel standardisation. Statistics come from the training split only and are then applied to
// every split, so test data never leaks into preprocessing. Sums run in float64.

import { makeDataset, sampleSize, type Dataset, type Standardisation } from './dataset.js';
import { fieldsOf } from './subset.js';

/** A channel whose standard deviation is below this (constant, e.g. all zeros) is only centred. */
export const MIN_STD = 1e-8;

/** Channels of a sample shape: the first axis of [C, H, W] (rank ≥ 3); a flat [D] sample is one channel. */
export function channelsOf(shape: readonly number[]): number {
  return shape.length >= 3 ? shape[0]! : 1;
}

/** Mean and (population) standard deviation of every channel over all samples and positions. */
export function channelStatistics(ds: Dataset): Standardisation {
  const channels = channelsOf(ds.shape);
  const plane = sampleSize(ds.shape) / channels;
  const x = ds.x;
  const sum = new Float64Array(channels);
  for (let start = 0, c = 0; start < x.length; start += plane, c = (c + 1) % channels) {
    let s = 0;
    for (let i = start; i < start + plane; i++) s += x[i]!;
    sum[c]! += s;
  }
  const values = ds.count * plane;
  const mean = Array.from(sum, (s) => s / values);
  const squares = new Float64Array(channels);
  for (let start = 0, c = 0; start < x.length; start += plane, c = (c + 1) % channels) {
    const m = mean[c]!;
    let s = 0;
    for (let i = start; i < start + plane; i++) { const d = x[i]! - m; s += d * d; }
    squares[c]! += s;
  }
  return { mean, std: Array.from(squares, (s) => Math.sqrt(s / values)) };
}

/** A new data set with x' = (x − mean[c]) / std[c]; std below MIN_STD counts as 1. Records the statistics. */
export function standardise(ds: Dataset, stats: Standardisation): Dataset {
  const channels = channelsOf(ds.shape);
  if (stats.mean.length !== channels || stats.std.length !== channels) {
    throw new Error(`standardisation has ${stats.mean.length} means and ${stats.std.length} stds, ${ds.name} has ${channels} channels`);
  }
  const plane = sampleSize(ds.shape) / channels;
  const shift = Float64Array.from(stats.mean);
  const scale = Float64Array.from(stats.std, (s) => 1 / (s < MIN_STD ? 1 : s));
  const src = ds.x;
  const x = new Float32Array(src.length);
  for (let start = 0, c = 0; start < src.length; start += plane, c = (c + 1) % channels) {
    const m = shift[c]!, k = scale[c]!;
    for (let i = start; i < start + plane; i++) x[i] = (src[i]! - m) * k;
  }
  return makeDataset({ ...fieldsOf(ds), x, standardisation: { mean: [...stats.mean], std: [...stats.std] } });
}
