// What travels through the queue: chunk jobs (a run, a set of grid indices) and their results (point records).
// Job ids are deterministic (run key + chunk number), so re-submitting a chunk that is already queued is a no-op.
import type { PointRecord } from '../core/runs/run-dir.js';
import { decodeNumber, encodeNumber } from '../core/runs/non-finite.js';

export const JOB_NAME = 'landscape-points';
/** File in the run directory that ties it to a queue: written by the coordinator, read by `terrain collect`. */
export const QUEUE_FILE = 'queue.json';

export interface ChunkJobData {
  /** sha256 of the bundle manifest (model, data, directions, grid, BN mode, threads). */
  manifest: string;
  /** Run directory as the coordinator sees it; workers read blobs from `<dir>/blobs/` when they share it. */
  dir: string;
  /** Prefix of this run's Redis keys (shipped blobs). */
  runKey: string;
  chunk: number;
  indices: number[];
}

export interface ChunkResult {
  points: PointRecord[];
  /** host:pid of the worker that computed them. */
  worker: string;
  ms: number;
}

export interface QueueRecord {
  format: 'terrain-queue/1';
  url: string;
  runKey: string;
  manifest: string;
  chunk: number;
  total: number;
  shipped: boolean;
  /** Redis keys holding this run's shipped blobs and manifest (deleted when the run is complete). */
  keys: string[];
}

export function jobId(runKey: string, chunk: number): string {
  return `${runKey}-${chunk}`;
}

export function blobKey(runKey: string, hash: string): string {
  return `terrain:run:${runKey}:blob:${hash}`;
}

export function chunkCount(total: number, size: number): number {
  return Math.ceil(total / size);
}

/** Chunks with at least one unfinished point, each with only its unfinished indices. */
export function pendingChunks(total: number, size: number, finished: { has(i: number): boolean }): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (let c = 0; c < chunkCount(total, size); c++) {
    const indices: number[] = [];
    for (let i = c * size; i < Math.min(total, (c + 1) * size); i++) if (!finished.has(i)) indices.push(i);
    if (indices.length > 0) out.set(c, indices);
  }
  return out;
}

/** Checks a job's payload before a worker acts on it (the queue is shared; anything may arrive). */
export function parseChunkJobData(data: unknown, id: string): ChunkJobData {
  const d = data as Partial<ChunkJobData> | null;
  const ok = !!d && typeof d.manifest === 'string' && /^[0-9a-f]{64}$/.test(d.manifest) && typeof d.dir === 'string'
    && typeof d.runKey === 'string' && /^[0-9a-f]{16}$/.test(d.runKey) && Number.isInteger(d.chunk)
    && Array.isArray(d.indices) && d.indices.every((i) => Number.isInteger(i) && i >= 0);
  if (!ok) throw new Error(`job ${id}: payload is not a terrain chunk job (expected {manifest, dir, runKey, chunk, indices}), got ${JSON.stringify(data).slice(0, 200)}`);
  return d as ChunkJobData;
}

/** JSON has no NaN or ±∞ (a diverged point): they travel as the tokens of core/runs/non-finite.ts, like on disk. */
export function encodeRecord(rec: PointRecord): PointRecord {
  const out: PointRecord = { index: rec.index };
  for (const [k, v] of Object.entries(rec)) if (k !== 'index') out[k] = typeof v === 'number' ? encodeNumber(v) : v;
  return out;
}

const FIELDS = ['loss', 'accuracy', 'lossStderr'];

/**
 * The records of a finished chunk that belong to it: indices it asked for, numeric fields. A record outside the
 * chunk (a stale or foreign result) is dropped, never written into the run.
 */
export function chunkPoints(result: unknown, indices: readonly number[]): { points: PointRecord[]; dropped: number } {
  const want = new Set(indices);
  const raw = (result as Partial<ChunkResult> | null)?.points;
  if (!Array.isArray(raw)) return { points: [], dropped: 0 };
  const points: PointRecord[] = [];
  for (const p of raw as PointRecord[]) {
    if (!p || typeof p !== 'object' || !want.has(p.index)) continue;
    const rec: PointRecord = { index: p.index };
    for (const [k, v] of Object.entries(p)) if (k !== 'index') rec[k] = decodeNumber(v) as PointRecord[string];
    if (FIELDS.every((f) => typeof rec[f] === 'number')) points.push(rec);
  }
  return { points, dropped: raw.length - points.length };
}
