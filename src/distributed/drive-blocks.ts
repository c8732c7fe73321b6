// The coordinator's side of a --tolerance run on the queue: runAdaptive decides the passes, this driver evaluates
// each pass's block tasks on the workers. The whole pass is queued at once (deterministic job ids: a resubmit is a
// no-op); each answer is checked against its task and handed to runAdaptive's writer one at a time, then its job is
// removed. A pass returns when every task of it is written (the barrier the next pass's decisions need). Every wait
// is bounded as in drive-common.ts: Redis silent for redisWaitMs → QueueError (blocks kept), abort → 'interrupted'.
import type { Job } from 'bullmq';
import type { BlockTask } from '../core/landscape/job.js';
import type { BlockAnswer } from '../core/landscape/adaptive-run.js';
import { BLOCK_JOB_NAME, blockJobId, decodeBlockResult, describeTask, isBlockJobData, sameTask, type BlockJobData, type BlockShape } from './blocks.js';
import { bounded, JOB_OPTIONS, QueueDriver, type QueueDriverOptions } from './drive-common.js';

export class BlockFailedError extends Error {
  override name = 'BlockFailedError';
}

/** A failure of the run's own writer (disk), not of Redis: never waited out. */
class WriteFailed extends Error {}

export type ApplyBlock = (answers: readonly BlockAnswer[]) => Promise<void>;

export interface BlockDriveOptions extends QueueDriverOptions {
  /** The batch sizes (and per-sample losses) a task's answer must have. */
  shape: (task: BlockTask) => BlockShape;
}

/** Answers of one task that may be malformed before the run fails (as a job's own attempts). */
const MAX_REJECTED = JOB_OPTIONS.attempts ?? 3;

export class BlockDriver extends QueueDriver<BlockDriveOptions> {
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
  /** A rejected answer's job was removed: look again soon, to queue it anew. */
  private again = false;
  /** Pass counter: a step cut off by its time bound must not write once its pass has ended. */
  private pass = 0;
  private active = false;

  /** Evaluates the tasks on the queue; `apply` gets each answer once, in the order they come back, several at a time. */
  async runPass(tasks: readonly BlockTask[], apply: ApplyBlock): Promise<void> {
    this.pending.clear();
    this.ready.clear();
    for (const t of tasks) this.pending.set(blockJobId(this.o.record.runKey, t), t);
    this.apply = apply;
    this.pass++;
    this.active = true;
    this.lastFull = 0;
    try {
      await this.loop((id) => this.pending.has(id), () => this.pending.size === 0);
      await bounded(Promise.all(this.removing), 5000, this.o.signal).catch(() => undefined);
    } finally {
      this.active = false;
    }
  }

  protected fatal(e: unknown): unknown {
    if (e instanceof BlockFailedError) return e;
    if (e instanceof WriteFailed) return e.cause;
    return undefined;
  }

  protected kept(): string {
    return 'the finished blocks and points';
  }

  /** A full look at every pending task every pollMs (and first); in between, only the jobs events announced. */
  protected async step(): Promise<void> {
    const full = this.fullDue();
    const woken = this.takeWoken();
    const ids = full ? [...this.pending.keys()] : woken;
    const missing: string[] = [];
    await Promise.all(ids.map(async (id) => {
      const task = this.pending.get(id);
      if (!task) return;
      const { state, job } = await this.look(id);
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
    return this.write(async () => {
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
  }
}
