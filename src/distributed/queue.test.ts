// End to end: `terrain surface --queue` with `terrain worker` processes equals the in-process run bit for bit, through
// a worker SIGKILLed mid-job, a coordinator SIGKILLed mid-run, and Redis restarts (AOF on).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { connectionOptions } from './queue-url.js';
import { hasRedisServerBinary, NO_REDIS, PrivateRedis, localRedis, uniqueQueue } from '../testing/local-redis.js';
import { completedJobs, fileLines, obliterate, queueFixture, runTerrain, runTerrainOk, until } from '../testing/queue-fixture.js';

const { work, model, terrain, worker } = queueFixture('queue');
const args = (out: string): string[] => ['surface', '--model', model, '--data', 'digits', '--samples', '300', '--x', 'gaussian:seed=1', '--y', 'gaussian:seed=2',
  '--x-range', '-1:1:9', '--y-range', '-1:1:7', '--out', out, '--no-plots', '--threads', '1'];
const reference = join(work, 'reference');

before(() => {
  runTerrainOk(args(reference));
});

function pointLines(dir: string): number[] {
  return fileLines(dir, 'points.jsonl').map((l) => (JSON.parse(l) as { index: number }).index);
}

function assertSameAsReference(dir: string): void {
  assert.equal(readFileSync(join(dir, 'result.json'), 'utf8'), readFileSync(join(reference, 'result.json'), 'utf8'));
  const idx = pointLines(dir);
  assert.equal(idx.length, 63, 'one line per grid point in points.jsonl');
  assert.equal(new Set(idx).size, 63, 'no grid point written twice');
}

// Every wait below is bounded: a hung worker or coordinator fails its test instead of holding the suite.
const LIMIT = { timeout: 180_000 };

test('3 workers, one SIGKILLed mid-job: the surface equals the single-process result exactly', LIMIT, async (t) => {
  const redis = await localRedis();
  if (!redis) return t.skip(NO_REDIS);
  const url = redis.url(uniqueQueue('kill'));
  const workers = [worker(url), worker(url), worker(url)];
  await Promise.all(workers.map((w) => w.waitFor(/waiting for jobs/)));
  const out = join(work, 'queued');
  const coordinator = terrain([...args(out), '--queue', url.href, '--chunk', '3']);
  const victim = workers[0]!;
  const line = await victim.waitFor(/job \S+ started/);
  victim.child.kill('SIGKILL');
  const killedJob = /job (\S+) started/.exec(line)![1]!;
  assert.equal(await coordinator.exitedWithin(120_000), 0, coordinator.lines.join('\n'));
  assertSameAsReference(out);
  assert.ok(!victim.lines.some((l) => l.includes(`job ${killedJob} done`)), 'the victim died before finishing its job');
  const rescuers = workers.slice(1).filter((w) => w.lines.some((l) => l.includes(`job ${killedJob} started`)));
  assert.equal(rescuers.length >= 1, true, `job ${killedJob} was not picked up again after the kill`);
  await Promise.all(workers.slice(1).map((w) => w.stop()));
  assert.equal(await completedJobs(url), 0, 'collected jobs were removed');
  await obliterate(url);
});

test('coordinator SIGKILLed mid-run, Redis restarted twice: `terrain collect` finishes with no point lost or recomputed', LIMIT, async (t) => {
  if (!hasRedisServerBinary()) return t.skip('redis-server is not installed (this test restarts its own server)');
  const redis = await PrivateRedis.start();
  try {
    const url = redis.url('restart');
    const workers = [worker(url), worker(url)];
    await Promise.all(workers.map((w) => w.waitFor(/waiting for jobs/)));
    const out = join(work, 'restarted');
    const coordinator = terrain([...args(out), '--queue', url.href, '--chunk', '2']);
    await until(() => pointLines(out).length >= 6, '6 points', coordinator);
    await coordinator.stop('SIGKILL');
    const before = pointLines(out).length;
    await redis.restart(); // mid-run: the workers reconnect and go on
    const q = new Queue(url.queue, { connection: connectionOptions(url) });
    q.on('error', () => undefined);
    let counts: Record<string, number> = {};
    for (let i = 0; i < 600; i++) {
      counts = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed');
      if (counts['waiting']! + counts['active']! + counts['delayed']! + counts['prioritized']! === 0 && counts['completed']! > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await q.close();
    assert.equal(counts['failed'], 0);
    await Promise.all(workers.map((w) => w.stop()));
    await redis.restart(); // the finished, uncollected jobs must come back from the AOF
    // No worker runs now: everything collect writes was computed before the restart and kept by Redis.
    const collect = runTerrain(['collect', out, '--no-plots', '--json'], 30_000);
    assert.equal(collect.status, 0, collect.stderr);
    assertSameAsReference(out);
    const summary = JSON.parse(collect.stdout.trim().split('\n').pop()!) as { resumed: number };
    assert.equal(summary.resumed, before, 'collect resumed from the points the coordinator had written');
    assert.ok(before < 63, `${before} points were written before the coordinator was killed`);
  } finally {
    await redis.dispose();
  }
});

test('--ship: a worker that cannot see the run directory gets model, data and directions from Redis (curve)', LIMIT, async (t) => {
  const redis = await localRedis();
  if (!redis) return t.skip(NO_REDIS);
  const url = redis.url(uniqueQueue('ship'));
  const curve = (out: string): string[] => ['curve', '--model', model, '--data', 'digits', '--samples', '300', '--direction', 'gaussian:seed=3', '--range', '-1:1:11', '--out', out, '--no-plots', '--threads', '1'];
  runTerrainOk(curve(join(work, 'curve-ref')));
  const out = join(work, 'curve-shipped');
  const coordinator = terrain([...curve(out), '--queue', url.href, '--ship']);
  await coordinator.waitFor(/shipped through Redis/);
  rmSync(join(out, 'blobs'), { recursive: true }); // the worker now has nothing but Redis to read from
  const w = worker(url);
  assert.equal(await coordinator.exitedWithin(120_000), 0, coordinator.lines.join('\n'));
  await w.stop();
  assert.equal(readFileSync(join(out, 'result.json'), 'utf8'), readFileSync(join(work, 'curve-ref', 'result.json'), 'utf8'));
  const record = JSON.parse(readFileSync(join(out, 'queue.json'), 'utf8')) as { keys: string[] };
  const client = new Redis(connectionOptions(url));
  assert.ok(record.keys.length >= 4, `${record.keys.length} keys shipped`);
  assert.equal(await client.exists(...record.keys), 0, 'shipped blobs are deleted when the run is complete');
  client.disconnect();
  await obliterate(url);
});

test('bad --queue input exits 2 with one line naming the flag', () => {
  const run = (queue: string) => runTerrain([...args(join(work, 'bad')), '--queue', queue], 30_000);
  const scheme = run('http://127.0.0.1:6379');
  assert.equal(scheme.status, 2);
  assert.match(String(scheme.stderr), /--queue 'http:\/\/127\.0\.0\.1:6379': scheme 'http:' is not redis:/);
  const closed = run('redis://127.0.0.1:1');
  assert.equal(closed.status, 2, String(closed.stderr));
  assert.match(String(closed.stderr), /--queue redis:\/\/127\.0\.0\.1:1: no Redis server answers/);
  // One error line; the data's normalisation, announced once on stderr before the queue is reached, may precede it.
  assert.equal(String(closed.stderr).trim().split('\n').filter((l) => l.startsWith('terrain:')).length, 1, String(closed.stderr));
});

test('Redis gone for good: workers stop within 5 s of SIGTERM, and coordinator and workers give up after --redis-wait', LIMIT, async (t) => {
  if (!hasRedisServerBinary()) return t.skip('redis-server is not installed (this test stops its own server)');
  const redis = await PrivateRedis.start();
  try {
    const url = redis.url('lost');
    const stopped = worker(url);
    const waiting = terrain(['worker', '--queue', url.href, '--lock-ms', '2000', '--redis-wait', '2']);
    await Promise.all([stopped, waiting].map((w) => w.waitFor(/waiting for jobs/)));
    const out = join(work, 'lost');
    const coordinator = terrain([...args(out), '--queue', url.href, '--chunk', '2', '--redis-wait', '3']);
    await until(() => pointLines(out).length >= 4, '4 points', coordinator);
    await redis.stop('SIGKILL');
    const t0 = Date.now();
    // SIGTERM with Redis gone: the worker leaves its job in hand and exits 143 within the promised 5 s.
    assert.equal(await stopped.stop('SIGTERM', 5000), 143, stopped.lines.join('\n'));
    // The coordinator gives up after --redis-wait: exit 2, one line naming the kept points and how to finish.
    assert.equal(await coordinator.exitedWithin(30_000), 2, coordinator.lines.join('\n'));
    assert.match(coordinator.lines.join('\n'), /has not answered for 3 s.*finished points are kept in .*terrain collect /);
    // The worker left running gives up on its own after its --redis-wait.
    assert.equal(await waiting.exitedWithin(30_000), 2, waiting.lines.join('\n'));
    assert.match(waiting.lines.join('\n'), /has not answered for 2 s/);
    assert.ok(Date.now() - t0 < 30_000);
    const kept = pointLines(out);
    assert.ok(kept.length >= 4 && new Set(kept).size === kept.length, 'the points written before Redis went are kept, once each');
  } finally {
    await redis.dispose();
  }
});
