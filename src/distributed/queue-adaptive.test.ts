// End to end: `terrain curve|surface --tolerance --queue` with `terrain worker` processes writes the in-process run's
// result.json byte for byte and the same blocks to samples.jsonl, through a coordinator SIGKILLed in pass 2 and
// finished by `terrain collect`, and whatever malformed or foreign answers a worker returns.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, type Job } from 'bullmq';
import { connectionOptions } from './queue-url.js';
import type { TerrainProcess } from '../testing/processes.js';
import { hasRedisServerBinary, localRedis, NO_REDIS, PrivateRedis, uniqueQueue } from '../testing/local-redis.js';
import { completedJobs, fileLines as lines, obliterate, queueFixture, runTerrainOk, until } from '../testing/queue-fixture.js';

const { work, model, terrain, worker } = queueFixture('queue-adaptive');
const common = ['--model', model, '--data', 'digits', '--samples', '300', '--batch', '32', '--min-samples', '64', '--no-plots', '--threads', '1', '--session', 'per-point'];
// Surface: 63 points, 3 passes, 97 blocks. Curve: blocks keep per-sample losses, and 0.01 sends points to the whole split.
const surface = (out: string): string[] => ['surface', ...common, '--x', 'gaussian:seed=1', '--y', 'gaussian:seed=2', '--x-range', '-1:1:9', '--y-range', '-1:1:7', '--tolerance', '0.05', '--out', out];
const curve = (out: string): string[] => ['curve', ...common, '--direction', 'gaussian:seed=3', '--range', '-1:1:11', '--tolerance', '0.01', '--out', out];
const refSurface = join(work, 'ref-surface');
const refCurve = join(work, 'ref-curve');

before(() => {
  for (const a of [surface(refSurface), curve(refCurve)]) runTerrainOk(a);
});

/** Same result.json bytes, the same points in the same order, and the same blocks (each once, in any order). */
function assertSameAs(reference: string, dir: string): void {
  assert.equal(readFileSync(join(dir, 'result.json'), 'utf8'), readFileSync(join(reference, 'result.json'), 'utf8'));
  assert.deepEqual(lines(dir, 'points.jsonl'), lines(reference, 'points.jsonl'));
  assert.deepEqual(lines(dir, 'samples.jsonl').sort(), lines(reference, 'samples.jsonl').sort());
}

// Every wait below is bounded: a hung worker or coordinator fails its test instead of holding the suite.
const LIMIT = { timeout: 180_000 };

test('a surface and a curve at --tolerance through the queue with 2 workers equal the in-process runs', LIMIT, async (t) => {
  const redis = await localRedis();
  if (!redis) return t.skip(NO_REDIS);
  const url = redis.url(uniqueQueue('tol'));
  const workers = [worker(url), worker(url)];
  await Promise.all(workers.map((w) => w.waitFor(/waiting for jobs/)));
  for (const [args, ref, name] of [[surface, refSurface, 'surface'], [curve, refCurve, 'curve']] as const) {
    const out = join(work, `queued-${name}`);
    const coordinator = terrain([...args(out), '--queue', url.href]);
    assert.equal(await coordinator.exitedWithin(120_000), 0, coordinator.lines.join('\n'));
    assertSameAs(ref, out);
  }
  assert.ok(workers.every((w) => w.lines.some((l) => / done in /.test(l))), 'both workers evaluated blocks');
  assert.ok(lines(refCurve, 'samples.jsonl').some((l) => l.includes('"full":true')), 'the curve has whole-split blocks');
  await Promise.all(workers.map((w) => w.stop()));
  assert.equal(await completedJobs(url), 0, 'collected block jobs were removed');
  await obliterate(url);
});

test('coordinator SIGKILLed in pass 2: `terrain collect` runs the passes left and writes the same result', LIMIT, async (t) => {
  const redis = await localRedis();
  if (!redis) return t.skip(NO_REDIS);
  const url = redis.url(uniqueQueue('tol-kill'));
  const w = worker(url);
  await w.waitFor(/waiting for jobs/);
  const out = join(work, 'killed');
  const coordinator = terrain([...surface(out), '--queue', url.href]);
  // Pass 1 writes one block per point (63); a 64th line is a block of pass 2.
  await until(() => lines(out, 'samples.jsonl').length >= 64, 'a pass-2 block', coordinator);
  await coordinator.stop('SIGKILL');
  const before = lines(out, 'samples.jsonl').length;
  assert.ok(before < lines(refSurface, 'samples.jsonl').length, `${before} blocks were written before the kill`);
  assert.ok(!existsSync(join(out, 'result.json')));
  const collect = terrain(['collect', out, '--no-plots']);
  assert.equal(await collect.exitedWithin(120_000), 0, collect.lines.join('\n'));
  assertSameAs(refSurface, out);
  await w.stop();
  await obliterate(url);
});

/** Waits until `dir` holds `n` blocks, failing if `p` exits first or nothing comes within 60 s. */
function blocksWritten(dir: string, n: number, p: TerrainProcess): Promise<void> {
  return until(() => lines(dir, 'samples.jsonl').length >= n, `${n} blocks`, p);
}

test('SIGINT stops the coordinator promptly; Redis gone stops `terrain collect` after --redis-wait, blocks kept', LIMIT, async (t) => {
  if (!hasRedisServerBinary()) return t.skip('redis-server is not installed (this test stops its own server)');
  const redis = await PrivateRedis.start();
  try {
    const url = redis.url('tol-lost');
    const w = worker(url);
    await w.waitFor(/waiting for jobs/);
    const out = join(work, 'lost');
    const coordinator = terrain([...surface(out), '--queue', url.href]);
    await blocksWritten(out, 10, coordinator);
    assert.equal(await coordinator.stop('SIGINT', 10_000), 130, coordinator.lines.join('\n'));
    assert.match(coordinator.lines.join('\n'), /finish the run later with: terrain collect /);
    const collect = terrain(['collect', out, '--no-plots', '--redis-wait', '3']);
    await blocksWritten(out, lines(out, 'samples.jsonl').length + 5, collect);
    await redis.stop('SIGKILL');
    assert.equal(await collect.exitedWithin(30_000), 2, collect.lines.join('\n'));
    assert.match(collect.lines.join('\n'), /has not answered for 3 s.*finished blocks and points are kept in .*terrain collect /);
    const kept = lines(out, 'samples.jsonl');
    assert.equal(new Set(kept).size, kept.length, 'no block written twice');
    assert.ok(kept.every((l) => lines(refSurface, 'samples.jsonl').includes(l)), 'every kept block is one of the uninterrupted run\'s');
    await w.stop('SIGKILL');
  } finally {
    await redis.dispose();
  }
});

test('malformed and foreign block answers are ignored, never written; the blocks are queued again', LIMIT, async (t) => {
  const redis = await localRedis();
  if (!redis) return t.skip(NO_REDIS);
  const url = redis.url(uniqueQueue('tol-bad'));
  // A rogue worker in this process answers its first jobs wrongly: nothing, another point's block, a wrong batch
  // size, a curve block without its per-sample losses.
  let n = 0;
  const bad = (job: Job): unknown => {
    const task = (job.data as { task: { index: number; from?: number; count?: number } }).task;
    const answers = [
      {},
      { task: { ...task, index: task.index + 1 }, batches: [[1, 1, 0, 32]], losses: '', worker: 'rogue', ms: 0 },
      { task, batches: Array.from({ length: task.count ?? 1 }, () => [1, 1, 0, 31]), worker: 'rogue', ms: 0 },
      { task, batches: Array.from({ length: task.count ?? 1 }, () => [1, 1, 0, 32]), worker: 'rogue', ms: 0 },
    ];
    return answers[n++ % answers.length];
  };
  // A short lock: a job the rogue took as it closed goes to the real worker within seconds.
  const rogue = new Worker(url.queue, async (job) => bad(job), { connection: connectionOptions(url), lockDuration: 2000, stalledInterval: 2000 });
  rogue.on('error', () => undefined);
  try {
    const out = join(work, 'rogue');
    const coordinator = terrain([...curve(out), '--queue', url.href]);
    const deadline = Date.now() + 60_000;
    while (n < 4) {
      if (Date.now() > deadline) throw new Error(`the rogue worker got ${n} jobs in 60 s:\n${coordinator.lines.join('\n')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    await Promise.race([rogue.close(), new Promise((r) => setTimeout(r, 10_000))]);
    const w = worker(url);
    assert.equal(await coordinator.exitedWithin(120_000), 0, coordinator.lines.join('\n'));
    await w.stop();
    const ignored = coordinator.lines.filter((l) => /answer ignored/.test(l));
    assert.ok(ignored.length >= 4, ignored.join('\n'));
    for (const why of [/no result object|another task/, /another task/, /malformed or not of size 32/, /per-sample losses missing/]) assert.ok(ignored.some((l) => why.test(l)), `${why}:\n${ignored.join('\n')}`);
    assertSameAs(refCurve, out);
  } finally {
    await Promise.race([rogue.close(true), new Promise((r) => setTimeout(r, 5000))]);
    await obliterate(url);
  }
});
