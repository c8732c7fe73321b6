// --queue for curve/surface: the same job, its grid evaluated by `terrain worker` processes through BullMQ on Redis.
import type { Command } from 'commander';
import { runLandscape, type LandscapeJob } from '../../core/landscape/job.js';
import { DEFAULT_REDIS_WAIT_MS, parseQueueUrl } from '../../distributed/queue-url.js';
import { intOption } from '../common.js';
import { UsageError } from '../errors.js';

export interface QueueFlags {
  queue?: string;
  chunk: number;
  ship?: boolean;
  redisWait: number;
}

/** Seconds a coordinator or worker waits for a Redis that stopped answering before it gives up (points kept). */
export const DEFAULT_REDIS_WAIT_S = DEFAULT_REDIS_WAIT_MS / 1000;

export function redisWaitOption(cmd: Command): Command {
  return cmd.option('--redis-wait <s>', 'with --queue: stop (exit 2, finished points kept) when Redis has not answered for this many seconds', intOption('--redis-wait', 1), DEFAULT_REDIS_WAIT_S);
}

/** Checks a redis:// URL when the flag is parsed, before any model or data is loaded. */
export function queueUrlOption(flag = '--queue') {
  return (value: string): string => {
    try {
      parseQueueUrl(value, flag);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    return value;
  };
}

export function addQueueOptions(cmd: Command): Command {
  cmd
    .option('--queue <url>', 'evaluate the grid on `terrain worker` processes through Redis: redis://HOST:PORT[/DB][?queue=NAME]', queueUrlOption())
    .option('--chunk <n>', 'with --queue: grid points per queue job', intOption('--chunk', 1), 4)
    .option('--ship', 'with --queue: also send model, data and directions through Redis (workers without the shared run directory)')
;
  return redisWaitOption(cmd);
}

/** runLandscape, or its queue twin when --queue is given (loaded only then: BullMQ stays out of plain runs). */
export function landscapeRunner(flags: QueueFlags): typeof runLandscape {
  if (!flags.queue) return runLandscape;
  const url = flags.queue;
  return async (job: LandscapeJob) => {
    const { runLandscapeOnQueue } = await import('../../distributed/coordinator.js');
    return runLandscapeOnQueue(job, { url, chunk: flags.chunk, ship: !!flags.ship, redisWaitMs: flags.redisWait * 1000, log: (line) => process.stderr.write(`terrain: ${line}\n`) });
  };
}
