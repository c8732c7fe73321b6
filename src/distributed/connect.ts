// Connections of one coordinator: a BullMQ queue, its event stream and a plain client for blobs.
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { QueueError } from './errors.js';
import { connectionOptions, type QueueUrl } from './queue-url.js';

export interface Connections {
  queue: Queue;
  events: QueueEvents;
  redis: Redis;
  close(): Promise<void>;
}

/** Fails fast with a clear message when nothing answers at the URL (BullMQ itself would retry forever). */
export async function checkReachable(q: QueueUrl, timeoutMs = 5000): Promise<void> {
  const probe = new Redis({ ...connectionOptions(q), lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
  } catch (e) {
    throw new QueueError(`--queue ${q.href}: no Redis server answers (${(e as Error).message}); start one (redis-server --bind HOST --port PORT --appendonly yes) or fix the URL`);
  } finally {
    probe.disconnect();
  }
}

export async function connect(q: QueueUrl, log: (line: string) => void = () => undefined): Promise<Connections> {
  await checkReachable(q);
  const connection = connectionOptions(q);
  const queue = new Queue(q.queue, { connection });
  const events = new QueueEvents(q.queue, { connection });
  const redis = new Redis({ ...connection, maxRetriesPerRequest: null });
  // Errors while Redis restarts are reported by the loop that notices them; unhandled 'error' events would crash.
  let said = false;
  const onError = (e: Error): void => {
    if (!said) log(`Redis connection: ${e.message}`);
    said = true;
  };
  queue.on('error', onError);
  events.on('error', onError);
  redis.on('error', onError);
  redis.on('ready', () => { said = false; });
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  return {
    queue, events, redis,
    async close() {
      // BullMQ's close waits for Redis, which may be gone for good: give it a few seconds, then drop the sockets.
      const closed = Promise.allSettled([queue.close(), events.close()]);
      await Promise.race([closed, new Promise((r) => setTimeout(r, 3000).unref())]);
      redis.disconnect();
      void queue.disconnect().catch(() => undefined);
      void events.disconnect().catch(() => undefined);
    },
  };
}
