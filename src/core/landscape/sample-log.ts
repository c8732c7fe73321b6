// samples.jsonl of a --tolerance run: one line per evaluated block of a point (its per-batch sums), appended and
// flushed as each block is done, so a resumed run rebuilds every point's sums exactly and recomputes nothing.
import { appendFile, open, readFile } from 'node:fs/promises';
import type { BatchStats } from '../evaluate/metrics.js';

export const SAMPLES_FILE = 'samples.jsonl';

/** Batches `from`… of the run's permutation, or (full) the whole split in its own order, which replaces them. */
export interface BlockRecord {
  index: number;
  from?: number;
  full?: true;
  batches: BatchStats[];
}

// JSON has no NaN/∞; a diverged point's sums are written as strings so that a resume reads them back exactly.
const encode = (v: number): number | string => (Number.isFinite(v) ? v : String(v));
const decode = (v: unknown): number => (typeof v === 'number' ? v : Number(v));

export function encodeBlock(r: BlockRecord): string {
  const batches = r.batches.map((b) => [encode(b.lossSum), encode(b.lossSqSum ?? NaN), b.correct, b.size]);
  return JSON.stringify(r.full ? { index: r.index, full: true, batches } : { index: r.index, from: r.from, batches });
}

function decodeBlock(line: string): BlockRecord | undefined {
  let o: { index?: unknown; from?: unknown; full?: unknown; batches?: unknown };
  try {
    o = JSON.parse(line) as typeof o;
  } catch {
    return undefined; // torn last line of a killed run: that block is simply evaluated again
  }
  if (typeof o.index !== 'number' || !Array.isArray(o.batches)) return undefined;
  const batches = (o.batches as unknown[][]).map((b) => ({ lossSum: decode(b[0]), lossSqSum: decode(b[1]), correct: b[2] as number, size: b[3] as number }));
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
  const fh = await open(path, 'a');
  try {
    await fh.write(encodeBlock(r) + '\n');
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** One point's sums so far: its batches in evaluation order, how many blocks it took and how many samples they cost. */
export interface PointSums {
  batches: BatchStats[];
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
