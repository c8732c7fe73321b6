// The run-directory lock against real processes: racing writers, a kill -9'd holder, a reused pid, a foreign host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { LOCK_FILE, processStart, readLockHolder, RunLockedError } from './lock.js';
import { RunDir } from './run-dir.js';

const RUN_DIR_JS = new URL('./run-dir.js', import.meta.url).href;
const config = (tag: string) => ({ kind: 'curve', identity: { model: tag, grid: [-1, 1, 5] }, info: { command: ['terrain', 'curve', tag] } });

// One child races another over `trials` new directories: both start trial k at the same wall-clock time; the winner
// appends 5 points tagged with its name and keeps the lock until the loser has tried, so every trial is a real race.
const RACER = `
import { RunDir } from ${JSON.stringify(RUN_DIR_JS)};
import { existsSync, writeFileSync } from 'node:fs';
const [root, me, other, tag, t0, trials] = process.argv.slice(1);
const out = [];
for (let k = 0; k < Number(trials); k++) {
  while (Date.now() < Number(t0) + 25 * k) {}
  let run;
  try {
    run = await RunDir.open(root + '/run-' + k, { kind: 'curve', identity: { model: tag }, info: { command: ['terrain', me] } });
  } catch (e) {
    out.push({ k, refused: e.name + ': ' + e.message });
  }
  writeFileSync(root + '/tried-' + k + '-' + me, '');
  if (run) {
    for (let i = 0; i < 5; i++) await run.append({ index: i, by: me });
    const t = Date.now();
    while (!existsSync(root + '/tried-' + k + '-' + other) && Date.now() - t < 5000) await new Promise((r) => setTimeout(r, 1));
    run.close();
    out.push({ k, won: true });
  }
}
process.stdout.write(JSON.stringify({ pid: process.pid, out }));
`;

function race(root: string, trials: number, tags: [string, string]): Promise<{ pid: number; out: { k: number; won?: boolean; refused?: string }[] }[]> {
  const t0 = Date.now() + 400;
  return Promise.all((['a', 'b'] as const).map(async (me, n) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', RACER, root, me, me === 'a' ? 'b' : 'a', tags[n]!, String(t0), String(trials)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (d) => { text += d; });
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
    return JSON.parse(text);
  }));
}

for (const [what, tags] of [['two different configurations', ['x', 'y']], ['two identical configurations', ['x', 'x']]] as const) {
  test(`${what} racing into one new directory: exactly one writer in each of 100 trials`, async () => {
    const root = mkdtempSync(join(tmpdir(), 'terrain-lock-race-'));
    const trials = 100;
    const [a, b] = await race(root, trials, [tags[0], tags[1]]);
    for (let k = 0; k < trials; k++) {
      const ra = a!.out.find((o) => o.k === k)!, rb = b!.out.find((o) => o.k === k)!;
      assert.equal(Number(!!ra.won) + Number(!!rb.won), 1, `trial ${k}: ${JSON.stringify([ra, rb])}`);
      const [winner, loser] = ra.won ? [a!, rb] : [b!, ra];
      assert.match(loser.refused!, new RegExp(`^RunLockedError: .*run-${k}: run directory in use by another terrain process \\(pid ${winner.pid} on host `));
      const lines = readFileSync(join(root, `run-${k}`, 'points.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { by: string });
      assert.equal(lines.length, 5);
      assert.ok(lines.every((l) => l.by === (winner === a ? 'a' : 'b')), `trial ${k}: points of both writers`);
      assert.equal(existsSync(join(root, `run-${k}`, LOCK_FILE)), false, 'the winner removes its lock on close');
    }
  });
}

const HOLDER = `
import { RunDir } from ${JSON.stringify(RUN_DIR_JS)};
await RunDir.open(process.argv[1], { kind: 'curve', identity: { model: 'held' }, info: { command: ['terrain', 'held'] } });
process.stdout.write('locked\\n');
if (process.argv[2] === 'hold') setInterval(() => {}, 1000);
`;

test('a live holder is named and refused; after its kill -9 the stale lock is taken over', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'terrain-lock-stale-'));
  const child = spawn(process.execPath, ['--input-type=module', '-e', HOLDER, dir, 'hold'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await once(child.stdout, 'data');
  const same = { kind: 'curve', identity: { model: 'held' }, info: { command: ['terrain', 'again'] } };
  await assert.rejects(RunDir.open(dir, same), (e: Error) => e instanceof RunLockedError && e.message.includes(`pid ${child.pid} on host`) && e.message.includes('terrain held'));
  child.kill('SIGKILL');
  await once(child, 'exit');
  assert.equal(readLockHolder(join(dir, LOCK_FILE))!.pid, child.pid, 'kill -9 leaves the lock behind');
  const run = await RunDir.open(dir, same);
  assert.equal(readLockHolder(join(dir, LOCK_FILE))!.pid, process.pid);
  run.close();
  assert.equal(existsSync(join(dir, LOCK_FILE)), false);
});

test('a process that exits without closing leaves no lock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'terrain-lock-exit-'));
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', HOLDER, dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'locked\n');
  assert.equal(existsSync(join(dir, LOCK_FILE)), false);
});

test('a reused pid is not taken for the holder; a lock from another host is refused; an old empty lock or our own pid is stale', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'terrain-lock-reuse-'));
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, LOCK_FILE);
  const sleeper = spawn('sleep', ['30']);
  await once(sleeper, 'spawn');
  try {
    const start = processStart(sleeper.pid!);
    assert.ok(start, '/proc/PID/stat is readable');
    const holder = (pidStart: string, host = hostname()) =>
      JSON.stringify({ pid: sleeper.pid, host, started: '2020-01-01T00:00:00Z', command: ['terrain', 'old'], pidStart });
    writeFileSync(lock, holder(String(Number(start) + 1))); // that pid now belongs to another process
    (await RunDir.open(dir, config('a'))).close();
    writeFileSync(lock, holder(start!)); // the same process: alive
    await assert.rejects(RunDir.open(dir, config('a')), /in use by another terrain process \(pid \d+ on host .*terrain old\); wait for it/);
    writeFileSync(lock, holder(start!, 'elsewhere.example'));
    await assert.rejects(RunDir.open(dir, config('a')), new RegExp(`on host elsewhere\\.example.*if that process is gone, delete ${lock.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  } finally {
    sleeper.kill('SIGKILL');
  }
  // Our own pid in a lock we do not hold: an earlier process with this pid left it.
  writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), started: '2020-01-01T00:00:00Z', command: ['terrain', 'old'], pidStart: '1' }));
  (await RunDir.open(dir, config('a'))).close();
  writeFileSync(lock, ''); // created by a process killed before it wrote a word
  const past = new Date(Date.now() - 60_000);
  utimesSync(lock, past, past);
  (await RunDir.open(dir, config('a'))).close();
  assert.equal(existsSync(lock), false);
});
