// The server over HTTP (no browser): API, downloads, errors, and its guards (loopback only, foreign Host refused).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './server.js';
import { writeFixtureRuns } from '../testing/web.js';
import type { RunSummary, RunView } from './types.js';

function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => ok({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

test('serve: runs, views, downloads, and refusals', async () => {
  const root = await mkdtemp(join(tmpdir(), 'terrain-serve-'));
  const ids = await writeFixtureRuns(root);
  const server = await startServer({ root, port: 0, pollMs: 0 });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await get(server.port, '/');
    assert.equal(page.status, 200);
    assert.match(page.body, /<script src="\/assets\/plotly\.min\.js"><\/script>/);
    const plotly = await get(server.port, '/assets/plotly.min.js');
    assert.ok(plotly.body.length > 1_000_000 && plotly.headers['content-type'] === 'text/javascript; charset=utf-8');

    const runs = JSON.parse((await get(server.port, '/api/runs')).body) as { runs: RunSummary[] };
    assert.deepEqual(runs.runs.map((r) => r.id).sort(), Object.values(ids).sort());
    assert.deepEqual(runs.runs.find((r) => r.id === ids['running'])!.progress, { done: 25, total: 66 });

    const view = JSON.parse((await get(server.port, `/api/run?id=${encodeURIComponent(ids['pca']!)}`)).body) as RunView;
    assert.deepEqual(view.panels.map((p) => p.kind), ['2d', 'gl3d']);
    const overview = JSON.parse((await get(server.port, '/api/overview')).body) as unknown[];
    assert.ok(overview.length >= 2);

    const csv = await get(server.port, `/api/download?id=${encodeURIComponent(ids['bowl']!)}&format=csv`);
    assert.equal(csv.status, 200);
    assert.equal(csv.headers['content-disposition'], 'attachment; filename="curves_bowl.csv"');
    assert.match(csv.body, /^lambda,loss,accuracy,loss_stderr\n-1,2\.1,/);

    const missing = await get(server.port, '/api/run?id=..%2F..%2Fetc');
    assert.equal(missing.status, 404);
    assert.match(JSON.parse(missing.body).error, /no run '\.\.\/\.\.\/etc'/);
    assert.equal((await get(server.port, `/api/download?id=${encodeURIComponent(ids['bowl']!)}&format=xlsx`)).status, 400);
    assert.equal((await get(server.port, '/api/run')).status, 400);
    assert.equal((await get(server.port, '/nope')).status, 404);
    assert.equal((await get(server.port, '/', {}, 'POST')).status, 405);
    const rebound = await get(server.port, '/api/runs', { host: 'evil.example:80' });
    assert.equal(rebound.status, 403);
    assert.equal((await get(server.port, '/api/runs', { host: `localhost:${server.port}` })).status, 200);
  } finally {
    await server.close();
    await rm(root, { recursive: true, force: true });
  }
});

test('serve refuses a port that is taken', async () => {
  const root = await mkdtemp(join(tmpdir(), 'terrain-serve-'));
  const a = await startServer({ root, port: 0 });
  try {
    await assert.rejects(startServer({ root, port: a.port }), { code: 'EADDRINUSE' });
  } finally {
    await a.close();
    await rm(root, { recursive: true, force: true });
  }
});
