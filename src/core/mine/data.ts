// Which samples the optimiser sees and which ones judge it. The two sets never share a sample: with different splits
// (default: mine on train, judge on test) that holds by construction; when both name the same split, or the data
// set has no test split (train and test are then the same samples), that split is partitioned, stratified by class
// and seeded, into a mining part and a held-out part.
import { makeBatches, resolveData, sampleSubset, selectSamples, stratifiedSplit, type Dataset, type ResolvedData, type SplitName } from '../data/index.js';
import type { DataSelection } from '../landscape/job.js';
import { createRng } from '../rng.js';
import type { EvalData } from './job.js';

export interface MiningDataOptions {
  /** Data spec (digits, fashion-mnist[:DIR], …). */
  spec: string;
  /** The split mined on, and the split judged on. */
  split: SplitName;
  judgeSplit: SplitName;
  /** Share of the split that is held out when both are the same split (0 < f < 1). */
  judgeFraction: number;
  /** A stratified subset of the mining data (default: all of it). */
  samples?: number;
  /** A stratified subset of the held-out data for the judging curve (default: all of it). */
  judgeSamples?: number;
  /** Samples of the mining data for the in-sample curve (0: none). */
  inSampleSamples: number;
  /** Seeds every partition and subset. */
  seed: number;
  evalBatch: number;
  /** --normalize (default per source). */
  normalize?: string;
}

export interface MiningData {
  mining: { dataset: Dataset; selection: DataSelection };
  heldOut: EvalData;
  inSample?: EvalData;
  /** How the held-out data was obtained, in words. */
  protocol: string;
  /** The data as read and normalised (its `normalize` is the normalisation in force). */
  resolved: ResolvedData;
}

export function prepareMiningData(o: MiningDataOptions): MiningData {
  if (!(o.judgeFraction > 0 && o.judgeFraction < 1)) throw new Error(`judge fraction must lie strictly between 0 and 1, got ${o.judgeFraction}`);
  const d = resolveData(o.spec, { split: 'train', normalize: o.normalize });
  const pick = (s: SplitName): Dataset => (s === 'train' ? d.train : d.test); // 'all' is handled by the partition below
  const noTestSplit = d.train === d.test;
  const overlapping = o.split === o.judgeSplit || o.split === 'all' || o.judgeSplit === 'all' || noTestSplit;
  let mining: Dataset, heldOut: Dataset, protocol: string, miningSplit: string, heldOutSplit: string;
  if (overlapping) {
    const base = o.split === 'all' || o.judgeSplit === 'all' ? resolveData(o.spec, { split: 'all', normalize: o.normalize }).selected : pick(o.split);
    const testCount = Math.round(base.count * o.judgeFraction);
    if (testCount < 1 || testCount >= base.count) throw new Error(`cannot hold out ${o.judgeFraction} of ${base.count} samples and keep both parts non-empty`);
    const parts = stratifiedSplit(base.y, base.classes, testCount, createRng(o.seed));
    mining = selectSamples(base, parts.train);
    heldOut = selectSamples(base, parts.test);
    const name = o.split === o.judgeSplit ? o.split : 'all';
    miningSplit = `${name} (mining part, ${1 - o.judgeFraction} of it)`;
    heldOutSplit = `${name} (held-out part, ${o.judgeFraction} of it)`;
    protocol = `${name} split partitioned (stratified, seed ${o.seed}): ${mining.count} samples mined, ${heldOut.count} held out`;
  } else {
    mining = pick(o.split);
    heldOut = pick(o.judgeSplit);
    miningSplit = o.split;
    heldOutSplit = o.judgeSplit;
    protocol = `mined on the ${o.split} split, judged on the ${o.judgeSplit} split`;
  }
  if (o.samples !== undefined) mining = sampleSubset(mining, Math.min(o.samples, mining.count), createRng(o.seed + 1));
  if (o.judgeSamples !== undefined) heldOut = sampleSubset(heldOut, Math.min(o.judgeSamples, heldOut.count), createRng(o.seed + 2));
  const selection = (ds: Dataset, split: string, samples?: number): DataSelection =>
    ({ source: d.source, split, samples, seed: o.seed, normalize: d.normalize, hash: ds.hash, count: ds.count });
  const evalData = (ds: Dataset, split: string, samples?: number): EvalData =>
    ({ selection: selection(ds, split, samples), batches: makeBatches(ds, o.evalBatch) });
  let inSample: EvalData | undefined;
  if (o.inSampleSamples > 0) {
    const n = Math.min(o.inSampleSamples, mining.count);
    inSample = evalData(sampleSubset(mining, n, createRng(o.seed + 3)), `${miningSplit} (in-sample subset)`, n);
  }
  return {
    mining: { dataset: mining, selection: selection(mining, miningSplit, o.samples) },
    heldOut: evalData(heldOut, heldOutSplit, o.judgeSamples),
    inSample,
    protocol,
    resolved: d,
  };
}
