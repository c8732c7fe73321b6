// What travels through the queue for a --tolerance run: one job per block task (a point and a run of batches of the
// shared permutation, or the point's whole split), answered with the block's per-batch sums and, where the run keeps
// them, its per-sample losses. Job ids are deterministic in (run, task), so a resubmitted block is a no-op and a
// restarted coordinator finds the blocks finished while it was away.
import type { BlockTask } from '../core/landscape/job.js';
import { decodeLosses, encodeLosses, type SampleBatchStats } from '../core/landscape/sample-losses.js';
import { decodeNumber, encodeNumber } from '../core/runs/non-finite.js';

export const BLOCK_JOB_NAME = 'landscape-block';

export interface BlockJobData {
  /** sha256 of the bundle manifest (with its adaptive options: permutation seed, batch size). */
  manifest: string;
  dir: string;
  runKey: string;
  task: BlockTask;
}

/** A block's answer: per batch [lossSum, lossSqSum, correct, size] (NaN/±∞ as tokens), losses as base64 float64. */
export interface BlockResult {
  task: BlockTask;
  batches: [number | string, number | string, number, number][];
  losses?: string;
  worker: string;
  ms: number;
}

export function blockJobId(runKey: string, task: BlockTask): string {
  return 'full' in task ? `${runKey}-b${task.index}-full` : `${runKey}-b${task.index}-${task.from}-${task.count}`;
}

/** The block in words, for errors and logs: "point 12, batches 4…7" or "point 12, whole split". */
export function describeTask(task: BlockTask): string {
  return 'full' in task ? `point ${task.index}, whole split` : `point ${task.index}, batches ${task.from}…${task.from + task.count - 1}`;
}

const isIndex = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

function parseTask(t: unknown): BlockTask | undefined {
  const o = t as { index?: unknown; from?: unknown; count?: unknown; full?: unknown } | null;
  if (!o || typeof o !== 'object' || !isIndex(o.index)) return undefined;
  if (o.full === true && o.from === undefined && o.count === undefined) return { index: o.index, full: true };
  if (o.full === undefined && isIndex(o.from) && isIndex(o.count) && o.count > 0) return { index: o.index, from: o.from, count: o.count };
  return undefined;
}

export function sameTask(a: BlockTask, b: BlockTask): boolean {
  return blockJobId('', a) === blockJobId('', b);
}

/** Checks a block job's payload before a worker acts on it (the queue is shared; anything may arrive). */
export function parseBlockJobData(data: unknown, id: string): BlockJobData {
  const d = data as Partial<BlockJobData> | null;
  const task = d ? parseTask(d.task) : undefined;
  const ok = !!d && typeof d.manifest === 'string' && /^[0-9a-f]{64}$/.test(d.manifest) && typeof d.dir === 'string'
    && typeof d.runKey === 'string' && /^[0-9a-f]{16}$/.test(d.runKey) && task !== undefined;
  if (!ok) throw new Error(`job ${id}: payload is not a terrain block job (expected {manifest, dir, runKey, task: {index, from, count} or {index, full: true}}), got ${JSON.stringify(data).slice(0, 200)}`);
  return { manifest: d.manifest!, dir: d.dir!, runKey: d.runKey!, task: task! };
}

export function isBlockJobData(data: unknown): boolean {
  return !!data && typeof data === 'object' && 'task' in data;
}

export function encodeBlockResult(task: BlockTask, stats: readonly SampleBatchStats[], worker: string, ms: number): BlockResult {
  const batches = stats.map((b): BlockResult['batches'][number] => [encodeNumber(b.lossSum), encodeNumber(b.lossSqSum ?? NaN), b.correct, b.size]);
  const kept = stats.length > 0 && stats.every((b) => b.losses);
  return { task, batches, ...(kept ? { losses: encodeLosses(Float64Array.from(stats.flatMap((b) => [...b.losses!]))) } : {}), worker, ms };
}

/** What the coordinator knows a block must hold: its batches' sizes, and whether per-sample losses come with them. */
export interface BlockShape {
  sizes: readonly number[];
  losses: boolean;
}

const isNumber = (v: unknown): v is number => typeof v === 'number';

/**
 * A block's statistics from a job's return value, or why they are not this task's: another task, a batch count or
 * size the task does not have, a non-number, losses missing or of the wrong length. Nothing that fails is written.
 */
export function decodeBlockResult(result: unknown, task: BlockTask, shape: BlockShape): SampleBatchStats[] | string {
  const r = result as Partial<BlockResult> | null;
  if (!r || typeof r !== 'object') return 'no result object';
  const claimed = parseTask(r.task);
  if (!claimed || !sameTask(claimed, task)) return `answers another task (${JSON.stringify(r.task)?.slice(0, 80)})`;
  if (!Array.isArray(r.batches) || r.batches.length !== shape.sizes.length) return `expected ${shape.sizes.length} batches, got ${Array.isArray(r.batches) ? r.batches.length : typeof r.batches}`;
  const out: SampleBatchStats[] = [];
  for (let k = 0; k < shape.sizes.length; k++) {
    const b = r.batches[k] as unknown[];
    const size = shape.sizes[k]!;
    if (!Array.isArray(b) || b.length !== 4) return `batch ${k} is not [lossSum, lossSqSum, correct, size]`;
    const [lossSum, lossSqSum, correct] = [decodeNumber(b[0]), decodeNumber(b[1]), b[2]];
    if (!isNumber(lossSum) || !isNumber(lossSqSum) || !Number.isInteger(correct) || (correct as number) < 0 || (correct as number) > size || b[3] !== size) {
      return `batch ${k} is malformed or not of size ${size}: ${JSON.stringify(b).slice(0, 80)}`;
    }
    out.push({ lossSum, lossSqSum, correct: correct as number, size });
  }
  if (shape.losses !== (typeof r.losses === 'string')) return shape.losses ? 'per-sample losses missing' : 'per-sample losses where the run keeps none';
  if (shape.losses) {
    let all: Float64Array;
    try {
      all = decodeLosses(r.losses!);
    } catch (e) {
      return (e as Error).message;
    }
    const n = shape.sizes.reduce((s, v) => s + v, 0);
    if (all.length !== n) return `${all.length} per-sample losses for ${n} samples`;
    let at = 0;
    for (const b of out) { b.losses = all.slice(at, at + b.size); at += b.size; }
  }
  return out;
}
