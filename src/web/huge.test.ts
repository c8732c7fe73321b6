// Issue 18 item 1: the viewer and the report stay up and bounded whatever one run directory holds — an interrupted
// 10,000×10,000 surface, a run.json declaring 100,000×100,000 with one point, broken and oversized files — and the
// other runs are still served. Every directory is built here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resultParseCount } from './result-cache.js';
import { buildReportData, ReportTooLargeError, writeReport } from './report.js';
import { startServer } from './server.js';
import { writeFixtureRuns } from '../testing/web.js';
import type { RunSummary, RunView } from './types.js';

const BIG = 10_000;
const ROWS_DONE = 3;
const bigLoss = (i: number, j: number): number => 1 + i / BIG + j;

async function hostileRuns(root: string): Promise<void> {
  const run = (grid: string[]) => JSON.stringify({ kind: 'surface', identity: { grid }, info: {} });
  const big = join(root, 'huge/interrupted');
  await mkdir(big, { recursive: true });
  await writeFile(join(big, 'run.json'), run([`-1:1:${BIG}`, `-1:1:${BIG}`]));
  const lines: string[] = [];
  for (let j = 0; j < ROWS_DONE; j++) for (let i = 0; i < BIG; i++) lines.push(JSON.stringify({ index: j * BIG + i, loss: bigLoss(i, j), accuracy: 0.5, lossStderr: 0.01 }));
  await writeFile(join(big, 'points.jsonl'), lines.join('\n') + '\n{"index": 30000, "lo'); // torn tail

  const declared = join(root, 'huge/declared');
  await mkdir(declared, { recursive: true });
  await writeFile(join(declared, 'run.json'), run(['-1:1:100000', '-1:1:100000']));
  await writeFile(join(declared, 'points.jsonl'), JSON.stringify({ index: 0, loss: 7, accuracy: 0.1, lossStderr: 0 }) + '\n');

  await mkdir(join(root, 'bad/json'), { recursive: true });
  await writeFile(join(root, 'bad/json/run.json'), '{"kind": "surface", "identity": ');
  await mkdir(join(root, 'bad/big-result'), { recursive: true });
  await writeFile(join(root, 'bad/big-result/run.json'), run(['-1:1:3', '-1:1:3']));
  await writeFile(join(root, 'bad/big-result/result.json'), '');
  await truncate(join(root, 'bad/big-result/result.json'), 300 * 2 ** 20); // sparse: refused by its size, never read
  await mkdir(join(root, 'bad/special/points.jsonl'), { recursive: true }); // a directory where a log should be
  await writeFile(join(root, 'bad/special/run.json'), run(['-1:1:3', '-1:1:3']));
  execFileSync('mkfifo', [join(root, 'bad/special/result.json')]);
}

async function getJson(url: string): Promise<{ status: number; bytes: number; body: unknown; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(url, { signal: AbortSignal.timeout(20_000) });
  const text = await res.text();
  return { status: res.status, bytes: Buffer.byteLength(text), body: JSON.parse(text), ms: performance.now() - t0 };
}

test('serve stays up beside huge and broken runs: bounded answers, downsampled and said so, other runs served', async () => {
  const root = await mkdtemp(join(tmpdir(), 'terrain-huge-'));
  const ids = await writeFixtureRuns(root);
  await hostileRuns(root);
  const server = await startServer({ root, port: 0, pollMs: 0 });
  try {
    const list = await getJson(`${server.url}api/runs`);
    assert.equal(list.status, 200);
    assert.ok(list.bytes < 64 * 1024, `the run list is ${list.bytes} bytes`);
    const runs = (list.body as { runs: RunSummary[] }).runs;
    const byId = new Map(runs.map((r) => [r.id, r]));
    for (const id of [...Object.values(ids), 'huge/interrupted', 'huge/declared', 'bad/json', 'bad/big-result', 'bad/special']) assert.ok(byId.has(id), `${id} is listed`);
    assert.deepEqual(byId.get('huge/interrupted')!.progress, { done: ROWS_DONE * BIG, total: BIG * BIG });
    assert.deepEqual(byId.get('huge/declared')!.progress, { done: 1, total: 1e10 });
    assert.ok(byId.get('huge/interrupted')!.badges.some((b) => b.text === 'downsampled' && b.title === 'showing 200×200 of 10,000×10,000, every 50th point'));
    assert.ok(byId.get('bad/json')!.badges.some((b) => b.tone === 'warn' && /run\.json: not valid JSON/.test(b.title ?? '')));
    assert.ok(byId.get('bad/big-result')!.badges.some((b) => /result\.json: 300 MiB, more than the 128 MiB the viewer reads/.test(b.title ?? '')));

    const big = await getJson(`${server.url}api/run?id=${encodeURIComponent('huge/interrupted')}`);
    assert.equal(big.status, 200);
    assert.ok(big.bytes < 8 * 2 ** 20, `the huge run's view is ${big.bytes} bytes`);
    const view = big.body as RunView;
    const contour = view.panels.find((p) => p.id.endsWith(':contour'))!;
    assert.match(contour.note ?? '', /showing 200×200 of 10,000×10,000, every 50th point/);
    const trace = contour.views[0]!.figure.data[0]! as { x: number[]; y: number[]; z: (number | null)[][] };
    assert.equal(trace.x.length, 200);
    assert.equal(trace.z.length, 200);
    // Shown points are every 50th of the grid, with the values written for them; rows not reached yet are gaps.
    assert.equal(trace.z[0]![3], bigLoss(150, 0));
    assert.equal(trace.x[3], (-1 * (BIG - 1 - 150) + 150) / (BIG - 1));
    assert.equal(trace.z[1]![0], null);

    const declared = await getJson(`${server.url}api/run?id=${encodeURIComponent('huge/declared')}`);
    assert.equal(declared.status, 200);
    assert.ok(declared.bytes < 8 * 2 ** 20);
    const z = ((declared.body as RunView).panels[0]!.views[0]!.figure.data[0] as { z: (number | null)[][] }).z;
    assert.equal(z.length, 200);
    assert.equal(z[0]![0], 7);

    for (const id of ['bad/json', 'bad/big-result', 'bad/special']) {
      const r = await getJson(`${server.url}api/run?id=${encodeURIComponent(id)}`);
      assert.equal(r.status, 200, id);
      assert.ok((r.body as RunView).warnings.length >= 1 || id === 'bad/special', `${id} says what is wrong`);
    }
    const normal = await getJson(`${server.url}api/run?id=${encodeURIComponent(ids['pca']!)}`);
    assert.equal(normal.status, 200);
    assert.equal((normal.body as RunView).panels.length, 2);
    assert.equal((await getJson(`${server.url}api/overview`)).status, 200);

    const dl = await getJson(`${server.url}api/download?id=${encodeURIComponent('huge/interrupted')}&format=csv`);
    assert.equal(dl.status, 413);
    assert.match((dl.body as { error: string }).error, /100,000,000 grid points, more than the 1,000,000 the viewer exports; use terrain export/);
    // A second list is served from the cache of what was read (the logs are not read again).
    const again = await getJson(`${server.url}api/runs`);
    assert.ok(again.ms < 2000, `second listing took ${again.ms} ms`);
  } finally {
    await server.close();
    await rm(root, { recursive: true, force: true });
  }
});

test('a burst of requests for a large finished run parses its result.json once and shares one view', async () => {
  const root = await mkdtemp(join(tmpdir(), 'terrain-burst-'));
  const n = 401, x = Array.from({ length: n }, (_, i) => -1 + (2 * i) / (n - 1));
  await mkdir(join(root, 'big'), { recursive: true });
  await writeFile(join(root, 'big/run.json'), JSON.stringify({ kind: 'surface', identity: { grid: [`-1:1:${n}`, `-1:1:${n}`] }, info: {} }));
  await writeFile(join(root, 'big/result.json'), JSON.stringify({ kind: 'surface', x, y: x, loss: x.map((b) => x.map((a) => 1 + a * a + b * b)) }));
  const server = await startServer({ root, port: 0, pollMs: 0 });
  try {
    const before = resultParseCount();
    const answers = await Promise.all(Array.from({ length: 40 }, (_, k) => getJson(`${server.url}${k % 2 ? 'api/runs' : 'api/run?id=big'}`)));
    assert.ok(answers.every((a) => a.status === 200));
    assert.equal(resultParseCount() - before, 1, 'one parse for 40 concurrent requests');
    const views = answers.filter((_, k) => k % 2 === 0).map((a) => JSON.stringify(a.body));
    assert.ok(views.every((v) => v === views[0]));
    assert.match(views[0]!, /showing 201×201 of 401×401, every 2nd point/);
  } finally {
    await server.close();
    await rm(root, { recursive: true, force: true });
  }
});

test('report over huge and broken runs: bounded, downsampled figures with the note', async () => {
  const root = await mkdtemp(join(tmpdir(), 'terrain-huge-report-'));
  await hostileRuns(root);
  try {
    const data = await buildReportData([root]);
    assert.equal(data.runs.length, 5);
    const size = Buffer.byteLength(JSON.stringify(data));
    assert.ok(size < 16 * 2 ** 20, `report data is ${size} bytes`);
    const big = data.runs.find((r) => r.id === 'huge/interrupted')!;
    assert.ok(big.panels.every((p) => /every 50th point/.test(p.note ?? '')));
    assert.ok(data.runs.find((r) => r.id === 'bad/json')!.warnings.some((w) => /run\.json: not valid JSON/.test(w)));
    const written = await writeReport([root], join(root, 'report.html'));
    assert.ok(written.bytes < 16 * 2 ** 20, `the report is ${written.bytes} bytes`);
    // Past its limit a report is refused by name (the CLI maps this to exit 2), never written half or run out of memory.
    await assert.rejects(writeReport([root], join(root, 'small.html'), { maxBytes: 2 ** 20 }), (e: Error) => e instanceof ReportTooLargeError && /more than the 1 MiB limit of one report; report fewer runs/.test(e.message));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
