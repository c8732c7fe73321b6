// --queue redis://HOST:PORT[/DB][?queue=NAME]: where the Redis server is and which BullMQ queue the workers share.
import { QueueError } from './errors.js';

export interface QueueUrl {
  host: string;
  port: number;
  db: number;
  /** BullMQ queue name; coordinator and workers must agree on it. */
  queue: string;
  /** Normalised form, as written into queue.json and printed in logs. */
  href: string;
}

export const DEFAULT_QUEUE = 'terrain';
const NAME = /^[A-Za-z0-9_.-]{1,100}$/;

export function parseQueueUrl(text: string, flag = '--queue'): QueueUrl {
  const fix = `give redis://HOST:PORT, e.g. redis://127.0.0.1:6379 (optionally /DB and ?queue=NAME)`;
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new QueueError(`${flag} '${text}' is not a URL; ${fix}`);
  }
  if (u.protocol !== 'redis:') throw new QueueError(`${flag} '${text}': scheme '${u.protocol}' is not redis:; ${fix}`);
  if (!u.hostname) throw new QueueError(`${flag} '${text}' names no host; ${fix}`);
  if (u.username || u.password) throw new QueueError(`${flag} '${text}': credentials in the URL are not supported; bind Redis to a private network instead`);
  const port = u.port ? Number(u.port) : 6379;
  const path = u.pathname.replace(/^\//, '');
  const db = path === '' ? 0 : Number(path);
  if (!Number.isInteger(db) || db < 0 || db > 15) throw new QueueError(`${flag} '${text}': database '${path}' must be an integer 0–15`);
  const extra = [...u.searchParams.keys()].filter((k) => k !== 'queue');
  if (extra.length > 0) throw new QueueError(`${flag} '${text}': unknown parameter '${extra[0]}' (only ?queue=NAME)`);
  const queue = u.searchParams.get('queue') ?? DEFAULT_QUEUE;
  if (!NAME.test(queue)) throw new QueueError(`${flag} '${text}': queue name '${queue}' must be 1–100 letters, digits, '_', '.' or '-'`);
  // IPv6 literals keep their brackets in URL.hostname; net.connect wants them bare.
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const href = `redis://${u.hostname}:${port}${db ? `/${db}` : ''}${queue === DEFAULT_QUEUE ? '' : `?queue=${queue}`}`;
  return { host, port, db, queue, href };
}

/** ioredis/BullMQ connection options for a parsed URL. */
export function connectionOptions(q: QueueUrl): { host: string; port: number; db: number } {
  return { host: q.host, port: q.port, db: q.db };
}

/** Redis silent this long counts as gone for good: coordinator and workers stop (points kept; terrain collect goes on). */
export const DEFAULT_REDIS_WAIT_MS = 300_000;
