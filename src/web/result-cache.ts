// result.json as the viewer holds it: parsed once per version of the file, cut to the page's caps, shared by
// concurrent requests, and cached within a stated weight, so that a burst of requests for a large run costs one parse.
import { nonFiniteReviver } from '../core/runs/non-finite.js';
import { downsampleResult, VIEW_MAX_CURVE, VIEW_MAX_SIDE, type Sampling } from './downsample.js';
import { openRegular, readJsonBounded } from './read-bounded.js';

type Json = Record<string, unknown>;
const asObject = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);

export type ParsedResult = { result: Json; sampling?: Sampling };
const resultCache = new Map<string, { stamp: string; weight: number; value: Promise<ParsedResult> }>();
/** What the cache may hold, counted as each file's size up to 8 MiB (a capped result is smaller than that). */
const CACHE_WEIGHT = 256 * 2 ** 20;
let cacheWeight = 0;
/** Large result files parsed at once, across all requests: a burst of requests must not parse a 100 MB file each. */
const MAX_PARSING = 2;
let parsing = 0, parses = 0;
const waiting: (() => void)[] = [];

/** result.json files parsed so far by this process (each version of a file once, whatever the requests). */
export function resultParseCount(): number {
  return parses;
}

async function withParseSlot<T>(work: () => Promise<T>): Promise<T> {
  while (parsing >= MAX_PARSING) await new Promise<void>((ok) => waiting.push(ok));
  parsing++;
  try {
    return await work();
  } finally {
    parsing--;
    waiting.shift()?.();
  }
}

/**
 * result.json, parsed once per version of the file (inode, size, mtime) and cut to the caps. Concurrent requests
 * share the parse in progress; a failed parse is not kept.
 */
export async function readResult(path: string, maxBytes: number, caps: { side: number; curve: number }): Promise<ParsedResult> {
  const { fh, size, ino, mtimeMs } = await openRegular(path);
  await fh.close();
  const stamp = `${ino}:${size}:${mtimeMs}`;
  const key = `${path}\0${caps.side}:${caps.curve}`;
  const hit = resultCache.get(key);
  if (hit?.stamp === stamp) return hit.value;
  const value = withParseSlot(async () => {
    parses++;
    const parsed = asObject(await readJsonBounded(path, maxBytes, nonFiniteReviver));
    if (!parsed) throw new Error('not a JSON object');
    return downsampleResult(parsed, caps.side, caps.curve);
  });
  // Only capped results are kept (a download's whole grid is parsed for that download alone).
  if (caps.side > VIEW_MAX_SIDE || caps.curve > VIEW_MAX_CURVE) return value;
  const drop = (k: string): void => { cacheWeight -= resultCache.get(k)?.weight ?? 0; resultCache.delete(k); };
  drop(key);
  const weight = Math.min(size, 8 * 2 ** 20);
  while (resultCache.size > 0 && cacheWeight + weight > CACHE_WEIGHT) drop(resultCache.keys().next().value!);
  resultCache.set(key, { stamp, weight, value });
  cacheWeight += weight;
  value.catch(() => { if (resultCache.get(key)?.value === value) drop(key); });
  return value;
}
