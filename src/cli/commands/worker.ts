// terrain worker --queue URL: evaluates grid points of queued curve/surface runs until stopped (SIGINT/SIGTERM).
import type { Command } from 'commander';
import { parseQueueUrl } from '../../distributed/queue-url.js';
import { intOption } from '../common.js';
import { interruptExitCode } from '../interrupt.js';
import { DEFAULT_REDIS_WAIT_S, queueUrlOption } from './queue-options.js';

/** What a stopping worker gives the jobs in hand before it abandons them: a worker must stop within seconds. */
const STOP_GRACE_MS = 3000;

interface WorkerFlags {
  queue: string;
  concurrency: number;
  threads?: number;
  lockMs: number;
  redisWait: number;
}

export function registerWorker(program: Command): void {
  program.command('worker').description('evaluate queued curve/surface points (BullMQ on Redis) until stopped')
    .requiredOption('--queue <url>', 'redis://HOST:PORT[/DB][?queue=NAME], as given to curve/surface --queue', queueUrlOption())
    .option('--concurrency <n>', 'jobs evaluated at once by this process', intOption('--concurrency', 1), 1)
    .option('--threads <n>', "ORT threads per point (default: the run's own --threads; another value can change the last bits)", intOption('--threads', 1))
    .option('--lock-ms <ms>', 'a job whose worker is silent this long is handed to another worker', intOption('--lock-ms', 500), 30_000)
    .option('--redis-wait <s>', 'give up (exit 2) when Redis has not answered for this many seconds', intOption('--redis-wait', 1), DEFAULT_REDIS_WAIT_S)
    .action(async (flags: WorkerFlags) => {
      const { startWorker } = await import('../../distributed/worker.js');
      const log = (line: string): void => { process.stderr.write(`terrain worker ${line}\n`); };
      const url = parseQueueUrl(flags.queue);
      let lost: string | undefined;
      let wakeLost: (() => void) | undefined;
      const w = await startWorker({
        url, concurrency: flags.concurrency, threads: flags.threads, lockMs: flags.lockMs, redisWaitMs: flags.redisWait * 1000, log,
        onRedisLost: (message) => { lost = message; wakeLost?.(); },
      });
      log(`${w.id}: waiting for jobs on ${url.href} (queue '${url.queue}', concurrency ${flags.concurrency}); Ctrl-C finishes the jobs in hand and stops`);
      const signal = await new Promise<'SIGINT' | 'SIGTERM' | undefined>((resolve) => {
        for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => resolve(sig));
        wakeLost = () => resolve(undefined);
      });
      // A second signal while stopping leaves at once; the jobs in hand go back to the queue when their locks expire.
      for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => process.exit(interruptExitCode(sig)));
      if (signal) log(`${w.id}: ${signal}: stopping (the jobs in hand get ${STOP_GRACE_MS / 1000} s to finish, then go back to the queue)`);
      const how = await w.stop(STOP_GRACE_MS);
      if (how === 'abandoned') log(`${w.id}: left the jobs in hand to other workers`);
      if (lost !== undefined) {
        // Exit here, not by throwing: the abandoned Redis clients may hold the event loop open.
        process.stderr.write(`terrain: worker: ${lost}; it stops (its jobs go to other workers once Redis is back); start it again when Redis runs\n`);
        process.exit(2);
      }
      log(`${w.id}: stopped`);
      process.exit(signal ? interruptExitCode(signal) : 0);
    });
}
