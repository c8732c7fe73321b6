// The coordinator's side of a --tolerance run on the queue: runAdaptive decides the passes, this driver evaluates
// each pass's block tasks on the workers. The whole pass is queued at once (deterministic job ids: a resubmit is a
// no-op); each answer is checked against its task and handed to runAdaptive's writer one at a time, then its job is
// removed. A pass returns when every task of it is written (the barrier the next pass's decisions need). Every wait
// is bounded as in drive.ts: Redis silent for redisWaitMs → QueueError (blocks kept), abort → 'interrupted'.
import type { Job, Queue, QueueEvents } from 'bullmq';
import type { BlockTask } from '../core/landscape/job.js';
import type { BlockAnswer } from '../core/landscape/adaptive-run.js';
import { BLOCK_JOB_NAME, blockJobId, decodeBlockResult, describeTask, isBlockJobData, sameTask, type BlockJobData, type BlockShape } from './blocks.js';
import { bounded, Interrupted, JOB_OPTIONS, NoAnswer } from './drive.js';
import { QueueError } from './errors.js';
import type { QueueRecord } from './protocol.js';
import { DEFAULT_REDIS_WAIT_MS } from './queue-url.js';

export class BlockFailedError extends Error {
  override name = 'BlockFailedError';
}

/** A failure of the run's own writer (disk), not of Redis: never waited out. */
class WriteFailed extends Error {}

export type ApplyBlock = (answers: readonly BlockAnswer[]) => Promise<void>;

export interface BlockDriveOptions {
  queue: Queue;
  events: QueueEvents;
  record: QueueRecord;
  /** Run directory as workers should find it (absolute). */
  dir: string;
  /** The batch sizes (and per-sample losses) a task's answer must have. */
  shape: (task: BlockTask) => BlockShape;
  signal?: AbortSignal;
  pollMs?: number;
  redisWaitMs?: number;
  log?: (line: string) => void;
}

/** Answers of one task that may be malformed before the run fails (as a job's own attempts). */
const MAX_REJECTED = JOB_OPTIONS.attempts ?? 3;

export class BlockDriver {
  private readonly log: (line: string) => void;
  private readonly pollMs: number;
  private readonly redisWaitMs: number;
  /** The tasks of the pass in progress that are not written yet, by job id. */
  private readonly pending = new Map<string, BlockTask>();
  /** Job ids this driver queued: a failure of one of them is final; one left failed by an earlier coordinator is retried. */
  private readonly submitted = new Set<string>();
  private readonly rejected = new Map<string, number>();
  private apply: ApplyBlock | undefined;
  /** Good answers not yet written, by job id. */
  private readonly ready = new Map<string, { job: Job; answer: BlockAnswer }>();
  /** Removals of written jobs still in flight (awaited, bounded, when a pass ends). */
  private readonly removing = new Set<Promise<unknown>>();
  /** One writer: answers reach runAdaptive one at a time. */
  private tail: Promise<unknown> = Promise.resolve();
  private readonly woken = new Set<string>();
  private wake: (() => void) | undefined;
  private lastFull = 0;
  /** A rejected answer's job was removed: look again soon, to queue it anew. */
  private again = false;
  private downSince: number | undefined;
  private down: string | undefined;
  /** Pass counter: a step cut off by its time bound must not write once its pass has ended. */
  private pass = 0;
  private active = false;

  constructor(private readonly o: BlockDriveOptions) {
    this.log = o.log ?? (() => undefined);
    this.pollMs = o.pollMs ?? 2000;
    this.redisWaitMs = o.redisWaitMs ?? DEFAULT_REDIS_WAIT_MS;
  }

  /** Evaluates the tasks on the queue; `apply` gets each answer once, in the order they come back, several at a time. */
  async runPass(tasks: readonly BlockTask[], apply: ApplyBlock): Promise<void> {
    const { events, signal, record } = this.o;
    this.pending.clear();
    this.ready.clear();
    for (const t of tasks) this.pending.set(blockJobId(record.runKey, t), t);
    this.apply = apply;
    this.pass++;
    this.active = true;
    this.lastFull = 0;
    const onEvent = ({ jobId: id }: { jobId: string }): void => {
      if (!this.pending.has(id)) return;
      this.woken.add(id);
      this.wake?.();
    };
    const onAbort = (): void => this.wake?.();
    events.on('completed', onEvent);
    events.on('failed', onEvent);
    signal?.addEventListener('abort', onAbort);
    try {
      while (this.pending.size > 0) {
        if (signal?.aborted) throw new Error('interrupted');
        await this.stepOrWaitForRedis();
        if (this.pending.size === 0) break;
        await this.untilWoken();
      }
      await bounded(Promise.all(this.removing), 5000, signal).catch(() => undefined);
    } finally {
      events.off('completed', onEvent);
      events.off('failed', onEvent);
      signal?.removeEventListener('abort', onAbort);
      await bounded(this.tail, 5000, undefined).catch(() => undefined);
      this.active = false;
    }
  }

  private async stepOrWaitForRedis(): Promise<void> {
    const { signal, record, dir } = this.o;
    try {
      await bounded(this.step(), this.redisWaitMs, signal);
      if (this.down) this.log(`Redis is reachable again at ${record.url}`);
      this.down = undefined;
      this.downSince = undefined;
    } catch (e) {
      if (e instanceof BlockFailedError) throw e;
      if (e instanceof WriteFailed) throw e.cause;
      if (e instanceof Interrupted || signal?.aborted) throw new Error('interrupted');
      if (this.down === undefined) this.log(`waiting for Redis at ${record.url}: ${(e as Error).message}`);
      this.down = (e as Error).message;
      this.downSince ??= Date.now();
      if (Date.now() - this.downSince >= this.redisWaitMs || e instanceof NoAnswer) {
        throw new QueueError(`Redis at ${record.url} has not answered for ${Math.round(this.redisWaitMs / 1000)} s (${this.down}); the finished blocks and points are kept in ${dir}; when Redis is back, finish the run with: terrain collect ${dir}`);
      }
    }
  }

  /** A full look at every pending task every pollMs (and first); in between, only the jobs events announced. */
  private async step(): Promise<void> {
    const { queue } = this.o;
    const full = this.lastFull === 0 || Date.now() - this.lastFull >= this.pollMs;
    const ids = full ? [...this.pending.keys()] : [...this.woken];
    this.woken.clear();
    const missing: string[] = [];
    await Promise.all(ids.map(async (id) => {
      const task = this.pending.get(id);
      if (!task) return;
      // The state first, then the job: read the other way round, a job that completes in between is 'completed'
      // with the return value it had before (none).
      const state = await queue.getJobState(id);
      const job = state === 'completed' || state === 'failed' ? await queue.getJob(id) : undefined;
      if (state === 'completed' && job) return this.collect(job, id, task);
      if (state === 'failed' && job) {
        if (this.submitted.has(id)) throw new BlockFailedError(`block ${describeTask(task)} failed on every attempt: ${job.failedReason}`);
        await job.remove(); // left by an earlier coordinator: a fresh set of attempts (the cause may be fixed)
      }
      if (full && (state === 'unknown' || state === 'failed' || !job && state === 'completed')) missing.push(id);
    }));
    if (missing.length > 0) await this.submit(missing);
    if (full) this.lastFull = Date.now();
    if (this.again) this.lastFull = 0;
    this.again = false;
  }

  private async submit(ids: string[]): Promise<void> {
    const { record, dir, queue } = this.o;
    await queue.addBulk(ids.map((id) => ({
      name: BLOCK_JOB_NAME,
      data: { manifest: record.manifest, dir, runKey: record.runKey, task: this.pending.get(id)! } satisfies BlockJobData,
      opts: { ...JOB_OPTIONS, jobId: id },
    })));
    for (const id of ids) this.submitted.add(id);
  }

  /**
   * Checks a completed job's answer against its task; a good one waits for the writer, which writes every answer
   * that has come meanwhile in one go (one flush for many blocks), then removes their jobs.
   */
  private async collect(job: Job, id: string, task: BlockTask): Promise<void> {
    if (!this.active || !this.pending.has(id) || this.ready.has(id)) return;
    const data = job.data as Partial<BlockJobData>;
    const ours = isBlockJobData(data) && data.manifest === this.o.record.manifest && data.runKey === this.o.record.runKey && !!data.task && sameTask(data.task, task);
    const stats = ours ? decodeBlockResult(job.returnvalue, task, this.o.shape(task)) : 'the job is not this block';
    if (typeof stats === 'string') {
      const n = (this.rejected.get(id) ?? 0) + 1;
      this.rejected.set(id, n);
      this.log(`job ${id} (${describeTask(task)}): answer ignored, ${stats}`);
      await job.remove();
      this.submitted.delete(id);
      this.again = true; // queued again by the next full look
      if (n >= MAX_REJECTED) throw new BlockFailedError(`block ${describeTask(task)}: ${n} answers were not this block's (last: ${stats})`);
      return;
    }
    this.ready.set(id, { job, answer: { task, batches: stats } });
    const pass = this.pass;
    const r = this.tail.then(async () => {
      if (!this.active || pass !== this.pass || this.ready.size === 0) return;
      const batch = [...this.ready];
      this.ready.clear();
      try {
        await this.apply!(batch.map(([, v]) => v.answer));
      } catch (e) {
        throw new WriteFailed('write', { cause: e });
      }
      for (const [k] of batch) this.pending.delete(k);
      // After the blocks are on disk, outside the writer (Redis may be gone); a failure here only leaves a completed
      // job nobody asks for again.
      for (const [, v] of batch) {
        const removal: Promise<unknown> = v.job.remove().catch(() => undefined).finally(() => this.removing.delete(removal));
        this.removing.add(removal);
      }
    });
    this.tail = r.catch(() => undefined);
    return r;
  }

  private untilWoken(): Promise<void> {
    const waitMs = this.lastFull === 0 ? 250 : Math.max(10, this.pollMs - (Date.now() - this.lastFull));
    return new Promise<void>((resolve) => {
      const done = (): void => { this.wake = undefined; resolve(); };
      const t = setTimeout(done, waitMs);
      this.wake = () => { clearTimeout(t); done(); };
      if (this.woken.size > 0 || this.o.signal?.aborted) this.wake();
    });
  }
}
