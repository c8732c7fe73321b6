// terrain report and terrain serve as users run them: output, --json, exit codes, shutdown on SIGINT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFixtureRuns } from '../../testing/web.js';

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));

function terrain(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8' });
}

test('report: one self-contained file, --json summary, bad folders exit 2', async () => {
  const root = await mkdtemp(join(tmpdir(), 'terrain-report-cli-'));
  try {
    await writeFixtureRuns(join(root, 'runs'));
    const out = join(root, 'out', 'r.html');
    const r = terrain(['report', join(root, 'runs'), '--out', out, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout.trim().split('\n').pop()!) as { path: string; runs: number; bytes: number };
    assert.equal(summary.path, out);
    assert.equal(summary.runs, 11);
    const html = await readFile(out, 'utf8');
    assert.equal(Buffer.byteLength(html), summary.bytes);
    // Self-contained: no external scripts, styles or links to fetch; plotly and the data are inside.
    const skeleton = html.replace(/<script([^>]*)>[\s\S]*?<\/script>/g, '<script$1></script>');
    assert.deepEqual(skeleton.match(/<script[^>]*>/g), ['<script type="application/json" id="terrain-data">', '<script>', '<script>']);
    assert.ok(!/\b(src|href)="(https?:)?\/\//i.test(skeleton), 'the page links to nothing outside itself');
    assert.ok(html.length > 3_000_000 && html.includes('plotly.js v'), 'plotly is inlined');

    const human = terrain(['report', join(root, 'runs', 'curves'), '--out', join(root, 'c.html')]);
    assert.match(human.stdout, /^report of 3 runs: .*c\.html \([\d.]+ MiB, opens offline\)\n$/);

    const missing = terrain(['report', join(root, 'nope'), '--out', join(root, 'x.html')]);
    assert.equal(missing.status, 2, missing.stderr);
    assert.match(missing.stderr, /report: '.*nope' is not a folder/);
    const empty = terrain(['report', join(root, 'out'), '--out', join(root, 'y.html')]);
    assert.equal(empty.status, 2, empty.stderr);
    assert.match(empty.stderr, /no run directories \(run\.json or train\.json\) under/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('serve: prints its 127.0.0.1 URL, answers, stops cleanly on SIGINT; a taken port exits 2', async () => {
  const root = await mkdtemp(join(tmpdir(), 'terrain-serve-cli-'));
  await writeFixtureRuns(root);
  const child = spawn(process.execPath, [MAIN, 'serve', root, '--port', '0', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const line = await new Promise<string>((ok, fail) => {
      let buf = '';
      child.stdout.on('data', (c: Buffer) => { buf += c.toString(); if (buf.includes('\n')) ok(buf.split('\n')[0]!); });
      child.on('exit', (code) => fail(new Error(`serve exited ${code} before listening`)));
    });
    const { url, port } = JSON.parse(line) as { url: string; port: number };
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const runs = await (await fetch(`${url}api/runs`)).json() as { runs: unknown[] };
    assert.equal(runs.runs.length, 11);

    const taken = terrain(['serve', root, '--port', String(port)]);
    assert.equal(taken.status, 2, taken.stderr);
    assert.match(taken.stderr, /--port \d+ is in use on 127\.0\.0\.1; pass another --port, or --port 0/);

    const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
    child.kill('SIGINT');
    assert.equal(await exited, 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await rm(root, { recursive: true, force: true });
  }
});
