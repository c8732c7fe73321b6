// terrain worker --queue URL: evaluates grid points of queued curve/surface runs until stopped (SIGINT/SIGTERM).
import type { Command } from 'commander';
import { parseQueueUrl } from '../../distributed/queue-url.js';
import { intOption } from '../common.js';
import { queueUrlOption } from './queue-options.js';

interface WorkerFlags {
  queue: string;
  concurrency: number;
  threads?: number;
  lockMs: number;
}

export function registerWorker(program: Command): void {
  program.command('worker').description('evaluate queued curve/surface points (BullMQ on Redis) until stopped')
    .requiredOption('--queue <url>', 'redis://HOST:PORT[/DB][?queue=NAME], as given to curve/surface --queue', queueUrlOption())
    .option('--concurrency <n>', 'jobs evaluated at once by this process', intOption('--concurrency', 1), 1)
    .option('--threads <n>', "ORT threads per point (default: the run's own --threads; another value can change the last bits)", intOption('--threads', 1))
    .option('--lock-ms <ms>', 'a job whose worker is silent this long is handed to another worker', intOption('--lock-ms', 500), 30_000)
    .action(async (flags: WorkerFlags) => {
      const { startWorker } = await import('../../distributed/worker.js');
      const log = (line: string): void => { process.stderr.write(`terrain worker ${line}\n`); };
      const url = parseQueueUrl(flags.queue);
      const w = await startWorker({ url, concurrency: flags.concurrency, threads: flags.threads, lockMs: flags.lockMs, log });
      log(`${w.id}: waiting for jobs on ${url.href} (queue '${url.queue}', concurrency ${flags.concurrency}); Ctrl-C finishes the jobs in hand and stops`);
      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (): void => {
          // First signal: finish the jobs in hand. Second: leave them to other workers (their locks expire).
          if (stopping) { void w.close(true).finally(resolve); return; }
          stopping = true;
          log(`${w.id}: stopping after the jobs in hand (signal again to abandon them)`);
          void w.close().finally(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
