// Redis for the tests and the benchmark, on loopback only: $TERRAIN_TEST_REDIS, else a server answering on
// 127.0.0.1:6379 (CI starts one), else a private redis-server when the binary is installed; undefined when none.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { parseQueueUrl, type QueueUrl } from '../distributed/queue-url.js';

export const NO_REDIS = 'no Redis server on 127.0.0.1 (set TERRAIN_TEST_REDIS=redis://127.0.0.1:PORT or install redis-server)';

async function answers(url: QueueUrl, timeoutMs = 1000): Promise<boolean> {
  const r = new Redis({ host: url.host, port: url.port, lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

export function hasRedisServerBinary(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A redis-server child with AOF on in its own folder; `restart` stops it (SIGTERM flushes the AOF) and starts it again. */
export class PrivateRedis {
  private child: ChildProcess | undefined;
  private constructor(readonly port: number, readonly dir: string) {}

  static async start(): Promise<PrivateRedis> {
    const r = new PrivateRedis(await freePort(), mkdtempSync(join(tmpdir(), 'terrain-redis-')));
    await r.launch();
    return r;
  }

  url(queue: string): QueueUrl {
    return parseQueueUrl(`redis://127.0.0.1:${this.port}?queue=${queue}`);
  }

  private async launch(): Promise<void> {
    this.child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(this.port), '--appendonly', 'yes', '--dir', this.dir, '--save', ''], { stdio: 'ignore' });
    const url = this.url('x');
    for (let i = 0; i < 100; i++) {
      if (await answers(url, 200)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server on port ${this.port} did not answer within 5 s`);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill(signal);
    await exited;
  }

  /** Stops the server and deletes its data folder. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  async restart(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await this.stop(signal);
    await this.launch();
  }
}

export interface LocalRedis {
  url: (queue: string) => QueueUrl;
  /** Stops the server if this process started it. */
  close: () => Promise<void>;
}

let shared: Promise<LocalRedis | undefined> | undefined;

/** The Redis the tests and the benchmark use, or undefined (then they skip with NO_REDIS). */
export function localRedis(): Promise<LocalRedis | undefined> {
  shared ??= (async () => {
    const base = process.env['TERRAIN_TEST_REDIS'] ?? 'redis://127.0.0.1:6379';
    const u = parseQueueUrl(base);
    if (!['127.0.0.1', 'localhost', '::1'].includes(u.host)) throw new Error(`TERRAIN_TEST_REDIS=${base}: tests only talk to loopback`);
    if (await answers(u)) return { url: (queue: string) => parseQueueUrl(`redis://${u.host}:${u.port}/${u.db}?queue=${queue}`), close: async () => undefined };
    if (!hasRedisServerBinary()) return undefined;
    const r = await PrivateRedis.start();
    return { url: (queue: string) => r.url(queue), close: () => r.dispose() };
  })();
  return shared;
}

/** A queue name no other test run uses. */
export function uniqueQueue(tag: string): string {
  return `terrain-test-${tag}-${process.pid}-${Date.now().toString(36)}`;
}
