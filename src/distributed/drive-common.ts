// What the coordinator's two drivers share (drive.ts: chunks of grid points; drive-blocks.ts: blocks of samples):
// every step bounded in time, Redis failures waited out up to redisWaitMs and then a QueueError naming
// `terrain collect DIR`, wake-ups from queue events between full looks, and one writer for the run directory.
import type { Job, JobsOptions, JobState, Queue, QueueEvents } from 'bullmq';
import { QueueError } from './errors.js';
import type { QueueRecord } from './protocol.js';
import { DEFAULT_REDIS_WAIT_MS } from './queue-url.js';

const WEEK_S = 7 * 24 * 3600;

export const JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'fixed', delay: 1000 },
  // Kept until the coordinator has written their results (it removes them then); a week is the backstop for runs
  // that are never collected.
  removeOnComplete: { age: WEEK_S },
  removeOnFail: { age: WEEK_S },
};

export class Interrupted extends Error {}
export class NoAnswer extends Error {}

/** `work`, unless the signal aborts or it takes longer than `ms`: ioredis queues commands while Redis is down. */
export function bounded<T>(work: Promise<T>, ms: number, signal: AbortSignal | undefined): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => done(() => reject(new Interrupted('interrupted')));
    const timer = setTimeout(() => done(() => reject(new NoAnswer(`no answer within ${Math.round(ms / 1000)} s`))), ms);
    const done = (settle: () => void): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    signal?.addEventListener('abort', onAbort);
    work.then((v) => done(() => resolve(v)), (e: unknown) => done(() => reject(e)));
  });
}

export interface QueueDriverOptions {
  queue: Queue;
  events: QueueEvents;
  record: QueueRecord;
  /** Run directory as workers should find it (absolute). */
  dir: string;
  signal?: AbortSignal;
  /** A full look at the queue at least this often (ms). */
  pollMs?: number;
  /** Give up (QueueError) after Redis has failed or not answered for this long (ms). */
  redisWaitMs?: number;
  log?: (line: string) => void;
}

/**
 * A coordinator loop over one queue: `loop` repeats `step` (bounded in time) until `done`, sleeping in between
 * until the next full look is due or a queue event announces one of its jobs. A subclass says what one step does,
 * which errors end the run at once, and what the run keeps on disk when Redis stays away.
 */
export abstract class QueueDriver<O extends QueueDriverOptions> {
  protected readonly log: (line: string) => void;
  protected readonly pollMs: number;
  protected readonly redisWaitMs: number;
  /** Job ids whose completion or failure was announced since the last look. */
  protected readonly woken = new Set<string>();
  /** When the last full look ended; 0 asks for one at the next step. */
  protected lastFull = 0;
  /** One writer: results reach the run directory in a single sequence, so nothing is ever written twice. */
  private tail: Promise<unknown> = Promise.resolve();
  private wake: (() => void) | undefined;
  private down: string | undefined;
  private downSince: number | undefined;

  constructor(protected readonly o: O) {
    this.log = o.log ?? (() => undefined);
    this.pollMs = o.pollMs ?? 2000;
    this.redisWaitMs = o.redisWaitMs ?? DEFAULT_REDIS_WAIT_MS;
  }

  /** One look at the queue: the jobs `takeWoken` names, or all of them when `fullDue`. */
  protected abstract step(): Promise<void>;
  /** The error to throw at once when a step fails with `e` (a job failed for good, the disk), or undefined for Redis. */
  protected abstract fatal(e: unknown): unknown;
  /** What the QueueError says stays on disk, e.g. 'the 12 finished points'. */
  protected abstract kept(): string;

  /** Steps until `done()`, woken by the completions and failures of the jobs `ours` accepts; the writer is awaited (5 s at most). */
  protected async loop(ours: (id: string) => boolean, done: () => boolean): Promise<void> {
    const { events, signal } = this.o;
    const onEvent = ({ jobId: id }: { jobId: string }): void => {
      if (!ours(id)) return;
      this.woken.add(id);
      this.wake?.();
    };
    const onAbort = (): void => this.wake?.();
    events.on('completed', onEvent);
    events.on('failed', onEvent);
    signal?.addEventListener('abort', onAbort);
    try {
      while (!done()) {
        if (signal?.aborted) throw new Error('interrupted');
        await this.stepOrWaitForRedis();
        if (done()) break;
        await this.untilWoken();
      }
    } finally {
      events.off('completed', onEvent);
      events.off('failed', onEvent);
      signal?.removeEventListener('abort', onAbort);
      // Results are written before their job is removed from Redis, so only that removal can be cut short here.
      await bounded(this.tail, 5000, undefined).catch(() => undefined);
    }
  }

  protected fullDue(): boolean {
    return this.lastFull === 0 || Date.now() - this.lastFull >= this.pollMs;
  }

  /** The announced job ids, forgetting them. */
  protected takeWoken(): string[] {
    const ids = [...this.woken];
    this.woken.clear();
    return ids;
  }

  /**
   * A job's state and, when it is finished, the job. The state first, then the job: read the other way round, a job
   * that completes in between is 'completed' with the return value it had before (none).
   */
  protected async look(id: string): Promise<{ state: JobState | 'unknown'; job: Job | undefined }> {
    const state = await this.o.queue.getJobState(id);
    const job = state === 'completed' || state === 'failed' ? await this.o.queue.getJob(id) : undefined;
    return { state, job };
  }

  /** Runs `write` after every write queued before it; a failed write does not stop the ones after it. */
  protected write(write: () => Promise<void>): Promise<void> {
    const r = this.tail.then(write);
    this.tail = r.catch(() => undefined);
    return r;
  }

  /** One step, bounded in time; Redis failures are waited out up to redisWaitMs, then the run stops (results kept). */
  private async stepOrWaitForRedis(): Promise<void> {
    const { signal, record, dir } = this.o;
    try {
      await bounded(this.step(), this.redisWaitMs, signal);
      if (this.down) this.log(`Redis is reachable again at ${record.url}`);
      this.down = undefined;
      this.downSince = undefined;
    } catch (e) {
      const fatal = this.fatal(e);
      if (fatal !== undefined) throw fatal;
      if (e instanceof Interrupted || signal?.aborted) throw new Error('interrupted');
      if (this.down === undefined) this.log(`waiting for Redis at ${record.url}: ${(e as Error).message}`);
      this.down = (e as Error).message;
      this.downSince ??= Date.now();
      if (Date.now() - this.downSince >= this.redisWaitMs || e instanceof NoAnswer) {
        throw new QueueError(`Redis at ${record.url} has not answered for ${Math.round(this.redisWaitMs / 1000)} s (${this.down}); ${this.kept()} are kept in ${dir}; when Redis is back, finish the run with: terrain collect ${dir}`);
      }
    }
  }

  /** Sleeps until the next full look is due, an announced job, or the abort signal. */
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
