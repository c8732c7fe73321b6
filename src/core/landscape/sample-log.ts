// samples.jsonl of a --tolerance run: one line per evaluated block of a point (its per-batch sums), appended and
// flushed as each block is done, so a resumed run rebuilds every point's sums exactly and recomputes nothing.
import { appendFile, open, readFile } from 'node:fs/promises';
import { encodeNumber } from '../runs/non-finite.js';
import { decodeLosses, encodeLosses, type SampleBatchStats } from './sample-losses.js';

export const SAMPLES_FILE = 'samples.jsonl';

/** Batches `from`… of the run's permutation, or (full) the whole split in its own order, which replaces them. */
export interface BlockRecord {
  index: number;
  from?: number;
  full?: true;
  /** Per batch its sums and (curve blocks on the permutation) its per-sample losses, stored exactly as float64. */
  batches: SampleBatchStats[];
}

// JSON has no NaN/∞; a diverged point's sums are written as non-finite.ts's tokens so that a resume reads them back exactly.
const decode = (v: unknown): number => (typeof v === 'number' ? v : Number(v));

export function encodeBlock(r: BlockRecord): string {
  const batches = r.batches.map((b) => [encodeNumber(b.lossSum), encodeNumber(b.lossSqSum ?? NaN), b.correct, b.size]);
  // A curve block's per-sample losses, all its batches' in order, as one base64 float64 string (exact, compact).
  const kept = r.batches.every((b) => b.losses) && r.batches.length > 0;
  const losses = kept ? { losses: encodeLosses(Float64Array.from(r.batches.flatMap((b) => [...b.losses!]))) } : {};
  return JSON.stringify(r.full ? { index: r.index, full: true, batches } : { index: r.index, from: r.from, batches, ...losses });
}

function decodeBlock(line: string): BlockRecord | undefined {
  let o: { index?: unknown; from?: unknown; full?: unknown; batches?: unknown; losses?: unknown };
  try {
    o = JSON.parse(line) as typeof o;
  } catch {
    return undefined; // torn last line of a killed run: that block is simply evaluated again
  }
  if (typeof o.index !== 'number' || !Array.isArray(o.batches)) return undefined;
  const batches: SampleBatchStats[] = (o.batches as unknown[][]).map((b) => ({ lossSum: decode(b[0]), lossSqSum: decode(b[1]), correct: b[2] as number, size: b[3] as number }));
  if (typeof o.losses === 'string') {
    const all = decodeLosses(o.losses);
    if (all.length !== batches.reduce((n, b) => n + b.size, 0)) return undefined; // not this block's: evaluated again
    let at = 0;
    for (const b of batches) { b.losses = all.slice(at, at + b.size); at += b.size; }
  }
  return o.full === true ? { index: o.index, full: true, batches } : { index: o.index, from: o.from as number, batches };
}

export async function readBlocks(path: string): Promise<BlockRecord[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return [];
  }
  // A torn last line must not swallow the next record: end it before anything is appended.
  if (text.length > 0 && !text.endsWith('\n')) await appendFile(path, '\n');
  return text.split('\n').filter((l) => l.trim()).map(decodeBlock).filter((r): r is BlockRecord => r !== undefined);
}

export async function appendBlock(path: string, r: BlockRecord): Promise<void> {
  await appendBlocks(path, [r]);
}

/** Several blocks in one write and one flush (a queue coordinator writes every worker's blocks alone). */
export async function appendBlocks(path: string, recs: readonly BlockRecord[]): Promise<void> {
  const fh = await open(path, 'a');
  try {
    await fh.write(recs.map((r) => encodeBlock(r) + '\n').join(''));
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** One point's sums so far: its batches in evaluation order, how many blocks it took and how many samples they cost. */
export interface PointSums {
  batches: SampleBatchStats[];
  full: boolean;
  evaluations: number;
  /** Samples evaluated for this point, including blocks a full evaluation replaced. */
  cost: number;
  /** Mean loss after its first block (the first pass). */
  firstLoss: number;
}

/** Adds a block to a point's sums; a block that does not continue them (a duplicate) is ignored. Returns whether it applied. */
export function applyBlock(sums: Map<number, PointSums>, r: BlockRecord): boolean {
  const s = sums.get(r.index) ?? { batches: [], full: false, evaluations: 0, cost: 0, firstLoss: NaN };
  if (s.full || (!r.full && r.from !== s.batches.length)) return false;
  s.batches = r.full ? [...r.batches] : [...s.batches, ...r.batches];
  s.full = !!r.full;
  s.evaluations++;
  s.cost += r.batches.reduce((n, b) => n + b.size, 0);
  if (s.evaluations === 1) {
    let sum = 0, n = 0;
    for (const b of r.batches) { sum += b.lossSum; n += b.size; }
    s.firstLoss = sum / n;
  }
  sums.set(r.index, s);
  return true;
}

/** A point's per-sample losses on the permutation so far, or undefined (whole split in its own order, or not kept). */
export function prefixLosses(s: PointSums): Float64Array | undefined {
  if (s.full || !s.batches.every((b) => b.losses)) return undefined;
  const out = new Float64Array(s.batches.reduce((n, b) => n + b.size, 0));
  let at = 0;
  for (const b of s.batches) { out.set(b.losses!, at); at += b.size; }
  return out;
}
