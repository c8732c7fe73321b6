// terrain curve/surface --queue: the same job as the in-process run (same run directory, same result code), with the
// grid evaluated by `terrain worker` processes through BullMQ. `collectRun` attaches to such a run from its
// directory alone (`terrain collect DIR`), e.g. after the submitting process was stopped.
import { resolve } from 'node:path';
import { finishLandscape, openLandscapeRun, type CurveResult, type LandscapeJob, type SurfaceResult } from '../core/landscape/job.js';
import type { Progress } from '../core/runs/execute.js';
import { readJson, RunDir, writeJsonAtomic } from '../core/runs/run-dir.js';
import { sha256, shipBlobs } from './blobs.js';
import { loadBundle, writeBundle } from './bundle.js';
import { checkReachable, connect } from './connect.js';
import { driveRun } from './drive.js';
import { QueueError } from './errors.js';
import { pendingChunks, QUEUE_FILE, type QueueRecord } from './protocol.js';
import { parseQueueUrl, type QueueUrl } from './queue-url.js';
import { runAdaptiveOnQueue } from './adaptive-queue.js';
import type { AdaptiveOutcome } from '../core/landscape/adaptive-run.js';

/** Grid points per job: small enough to spread a 21×21 surface over many workers, large enough to amortise a job. */
export const DEFAULT_CHUNK = 4;

export interface QueueRunOptions {
  url: string | QueueUrl;
  chunk?: number;
  /** Also put model, data and directions into Redis, for workers that do not share the run directory. */
  ship?: boolean;
  pollMs?: number;
  /** Stop (QueueError, points kept) when Redis has not answered for this long (ms). */
  redisWaitMs?: number;
  log?: (line: string) => void;
}

export type LandscapeOutcome = { result: CurveResult | SurfaceResult; run: RunDir; resumed: number };

/** Like runLandscape, but the points are computed by queue workers; a restart resumes from the run directory. */
export async function runLandscapeOnQueue(given: LandscapeJob, opts: QueueRunOptions): Promise<LandscapeOutcome> {
  const url = typeof opts.url === 'string' ? parseQueueUrl(opts.url) : opts.url;
  await checkReachable(url); // before the run directory is created
  // Queue workers build a session per point: a worker holding a reused session did not stop after a Redis restart
  // (queue.test's restart case hung), so queued runs keep the per-point mode whatever --session says.
  if (given.session === 'reused') throw new QueueError('--session reused does not work with --queue yet; use --session auto or per-point');
  const job = { ...given, session: 'per-point' as const };
  const { run, resumed, total } = await openLandscapeRun(job);
  try {
    return await driveAndFinish(job, opts, url, run, resumed, total);
  } finally {
    run.close();
  }
}

async function driveAndFinish(job: LandscapeJob, opts: QueueRunOptions, url: QueueUrl, run: RunDir, resumed: number, total: number): Promise<LandscapeOutcome> {
  let adaptive: AdaptiveOutcome | undefined;
  const dir = resolve(run.dir);
  const adaptiveJob = job.adaptive ? { ...job, adaptive: job.adaptive } : undefined;
  const drive = { signal: job.signal, onProgress: job.onProgress, pollMs: opts.pollMs, redisWaitMs: opts.redisWaitMs, log: opts.log };
  if (run.finished.size < total) {
    const bundle = await writeBundle(job, dir);
    const runKey = sha256(new TextEncoder().encode(`${bundle.manifest}\n${dir}`)).slice(0, 16);
    // A restarted coordinator keeps the chunking of the jobs already queued, so their ids still match.
    const previous = (await readJson(run.path(QUEUE_FILE))) as QueueRecord | undefined;
    const chunk = previous?.runKey === runKey ? previous.chunk : opts.chunk ?? DEFAULT_CHUNK;
    if (!Number.isInteger(chunk) || chunk < 1) throw new QueueError(`--chunk ${chunk} must be an integer ≥ 1`);
    if (opts.chunk !== undefined && opts.chunk !== chunk) opts.log?.(`keeping --chunk ${chunk} of the jobs already queued for this run (asked: ${opts.chunk})`);
    const conn = await connect(url, opts.log);
    try {
      const keys = opts.ship ? await shipBlobs(conn.redis, runKey, bundle.blobs) : [];
      const record: QueueRecord = { format: 'terrain-queue/1', url: url.href, runKey, manifest: bundle.manifest, chunk, total, shipped: !!opts.ship, keys };
      await writeJsonAtomic(run.path(QUEUE_FILE), record);
      const shipped = opts.ship ? ' (model, data and directions shipped through Redis)' : '';
      const left = total - run.finished.size;
      // --tolerance: a job per point and block of samples, pass by pass (--chunk does not apply).
      opts.log?.(adaptiveJob
        ? `${left} points at --tolerance, a job per point and sample block, pass by pass, on ${url.href}${shipped}; start workers with: terrain worker --queue ${url.href}`
        : `${left} points in ${pendingChunks(total, chunk, run.finished).size} jobs on ${url.href}${shipped}; start workers with: terrain worker --queue ${url.href}`);
      try {
        if (adaptiveJob) adaptive = await runAdaptiveOnQueue(adaptiveJob, run, total, { conn, record, dir, ...drive });
        else await driveRun({ queue: conn.queue, events: conn.events, run, record, dir, onProgress: job.onProgress, signal: job.signal, pollMs: opts.pollMs, redisWaitMs: opts.redisWaitMs, log: opts.log });
      } catch (e) {
        if (job.signal?.aborted) opts.log?.(`the workers go on with the queued jobs; finish the run later with: terrain collect ${run.dir}`);
        throw e;
      }
      if (keys.length > 0) await conn.redis.del(...keys);
    } finally {
      await conn.close();
    }
  } else if (adaptiveJob) {
    // Every point is written (the result was not): the summary comes from samples.jsonl, nothing is queued.
    const record = (await readJson(run.path(QUEUE_FILE))) as QueueRecord;
    adaptive = await runAdaptiveOnQueue(adaptiveJob, run, total, { record, dir, ...drive });
  }
  const result = await finishLandscape(job, run, adaptive?.summary, undefined, adaptive?.covariance);
  return { result, run, resumed };
}

export interface CollectOptions {
  /** Redis as this process reaches it (default: the URL recorded by the coordinator). */
  url?: string | QueueUrl;
  pollMs?: number;
  redisWaitMs?: number;
  log?: (line: string) => void;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

/** Finishes a queued run from its directory: waits for the workers, writes the points and the result. */
export async function collectRun(dirArg: string, opts: CollectOptions = {}): Promise<LandscapeOutcome> {
  const dir = resolve(dirArg);
  const { config } = await RunDir.load(dir);
  const record = (await readJson(`${dir}/${QUEUE_FILE}`)) as QueueRecord | undefined;
  if (!record || record.format !== 'terrain-queue/1') throw new QueueError(`${dir}/${QUEUE_FILE}: not found or not a queue record; only runs started with --queue can be collected`);
  const url = opts.url === undefined ? parseQueueUrl(record.url) : typeof opts.url === 'string' ? parseQueueUrl(opts.url) : opts.url;
  const run = await RunDir.open(dir, config);
  const resumed = run.finished.size;
  let conn: Awaited<ReturnType<typeof connect>> | undefined;
  try {
    conn = run.finished.size < record.total ? await connect(url, opts.log) : undefined;
    const src = { dir, runKey: record.runKey, redis: conn?.redis };
    const bundle = await loadBundle(record.manifest, src);
    const identity = config.identity as { directions?: { sha256: string }[] };
    const same = bundle.manifest.directions.every((d, k) => identity.directions?.[k]?.sha256 === d.blob);
    if (!same) throw new QueueError(`${dir}: ${QUEUE_FILE} names a bundle whose directions differ from run.json; the directory was reused, rerun the original command`);
    // --tolerance: this process runs the passes left (the coordinator that started them is gone).
    const a = bundle.manifest.adaptive;
    let adaptive: AdaptiveOutcome | undefined;
    const drive = { signal: opts.signal, onProgress: opts.onProgress, pollMs: opts.pollMs, redisWaitMs: opts.redisWaitMs, log: opts.log };
    if (a) adaptive = await runAdaptiveOnQueue({ ...bundle, adaptive: a, batchSize: bundle.manifest.batchSize }, run, record.total, { conn, record, dir, ...drive });
    else if (conn) await driveRun({ queue: conn.queue, events: conn.events, run, record, dir, ...drive });
    if (conn && record.keys.length > 0) await conn.redis.del(...record.keys);
    const result = await finishLandscape(bundle, run, adaptive?.summary, undefined, adaptive?.covariance);
    return { result, run, resumed };
  } finally {
    run.close();
    await conn?.close();
  }
}
