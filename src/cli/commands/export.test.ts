// terrain export as users run it: every format from a run directory, --json, default and nested --out paths, and
// exit code 2 with a message naming the file or flag for runs it cannot export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readLandscapeH5 } from '../../core/export/index.js';
import { exitCodeFor } from '../errors.js';
import { buildProgram } from '../main-program.js';

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));

// Non-square and asymmetric, so a transposed export cannot pass.
const X = [-1, 0, 1, 2], Y = [-0.5, 0.5];
const f = (x: number, y: number): number => 2 + x + 10 * y;

async function writeRuns(root: string): Promise<Record<string, string>> {
  const put = async (dir: string, name: string, value: unknown): Promise<void> => {
    await mkdir(join(root, dir), { recursive: true });
    await writeFile(join(root, dir, name), typeof value === 'string' ? value : JSON.stringify(value));
  };
  const runJson = (kind: string, grid: string[], split: string) => ({ kind, identity: { data: { source: 'digits', split }, directions: [{ spec: 'gaussian:seed=1' }, { spec: 'gaussian:seed=2' }], grid }, info: {} });
  await put('surface', 'run.json', runJson('surface', ['-1:2:4', '-0.5:0.5:2'], 'test'));
  await put('surface', 'result.json', { kind: 'surface', x: X, y: Y, loss: Y.map((y) => X.map((x) => f(x, y))), accuracy: Y.map(() => X.map(() => 0.75)) });
  await put('curve', 'run.json', runJson('curve', ['-1:1:3'], 'train'));
  await put('curve', 'result.json', { kind: 'curve', lambdas: [-1, 0, 1], loss: [3, 1, 2], accuracy: [0.5, 0.9, 0.7], type: 'v-basin' });
  await put('running', 'run.json', runJson('surface', ['-1:2:4', '-0.5:0.5:2'], 'train'));
  await put('running', 'points.jsonl', [0, 1, 2].map((index) => JSON.stringify({ index, loss: 1 })).join('\n') + '\n');
  await put('hessian', 'run.json', runJson('hessian', [], 'train'));
  await put('hessian', 'result.json', { kind: 'hessian', eigenvalues: [3, 2] });
  await put('broken', 'result.json', { kind: 'surface', x: X, y: Y, loss: [[1, 2, 3, 4]] });
  await mkdir(join(root, 'empty'));
  return Object.fromEntries(['surface', 'curve', 'running', 'hessian', 'broken', 'empty', 'missing'].map((k) => [k, join(root, k)]));
}

/** Runs the command in this process (no start-up cost), capturing stdout; returns the error it threw, if any. */
async function inProcess(args: string[]): Promise<{ stdout: string; error?: Error }> {
  let stdout = '';
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => { stdout += chunk.toString(); return true; }) as typeof process.stdout.write;
  try {
    await buildProgram().parseAsync(['node', 'terrain', 'export', ...args]);
    return { stdout };
  } catch (e) {
    return { stdout, error: e as Error };
  } finally {
    process.stdout.write = write;
  }
}

test('export: h5 of a test-split surface next to its result, every other format to --out, --json summary', async () => {
  const root = await mkdtemp(join(tmpdir(), 'terrain-export-cli-'));
  try {
    const runs = await writeRuns(root);
    const r = spawnSync(process.execPath, [MAIN, 'export', runs['surface']!, '--format', 'h5', '--json'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    const h5 = join(runs['surface']!, 'result.h5');
    assert.deepEqual(summary, { file: h5, format: 'h5', kind: 'surface', points: 8, source: join(runs['surface']!, 'result.json') });
    const back = await readLandscapeH5(h5);
    assert.equal(back.prefix, 'test', 'a test-split run writes test_loss / test_acc');
    assert.equal(back.kind, 'surface');
    assert.deepEqual(back.loss, Y.flatMap((y) => X.map((x) => f(x, y))));

    const csvOut = join(root, 'out', 'nested', 's.csv');
    const csv = await inProcess([runs['surface']!, '--format', 'csv', '--out', csvOut]);
    assert.equal(csv.error, undefined);
    assert.equal(csv.stdout, `${csvOut}: surface (4×2 grid) as csv\n`);
    const rows = (await readFile(csvOut, 'utf8')).trim().split('\n');
    assert.deepEqual(rows[1 + 1 * X.length + 3]!.split(',').slice(0, 3).map(Number), [X[3], Y[1], f(X[3]!, Y[1]!)]);

    for (const format of ['npy', 'vtp', 'h5']) {
      const out = join(root, 'out', `c.${format}`);
      const c = await inProcess([join(runs['curve']!, 'result.json'), '--format', format, '--out', out, '--json']);
      assert.equal(c.error, undefined, `${format}: ${c.error?.message}`);
      assert.equal((JSON.parse(c.stdout) as { points: number }).points, 3);
    }
    assert.equal((await readFile(join(root, 'out', 'c.npy'))).subarray(1, 6).toString(), 'NUMPY');
    assert.match(await readFile(join(root, 'out', 'c.vtp'), 'utf8'), /<VTKFile type="PolyData"[\s\S]*NumberOfLines="1"/);
    assert.deepEqual((await readLandscapeH5(join(root, 'out', 'c.h5'))).loss, [3, 1, 2]);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('export refuses, with exit code 2 and the fix, what it cannot write', async () => {
  const root = await mkdtemp(join(tmpdir(), 'terrain-export-cli-'));
  try {
    const runs = await writeRuns(root);
    const r = spawnSync(process.execPath, [MAIN, 'export', runs['running']!, '--format', 'csv'], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /result\.json: not found, the surface run is unfinished \(3 of 8 points in points\.jsonl\); finish it with 'terrain resume .*running', then export\n$/);

    const refused = async (args: string[], re: RegExp): Promise<void> => {
      const { error } = await inProcess(args);
      assert.ok(error, `${args.join(' ')} should fail`);
      assert.equal(exitCodeFor(error), 2, error.message);
      assert.match(error.message, re);
    };
    await refused([runs['surface']!, '--format', 'xlsx'], /^--format 'xlsx' is not one of csv, npy, vtp, h5, ll-directions; pick one of them$/);
    await refused([runs['missing']!, '--format', 'csv'], /missing: no such run directory; give a directory written by 'terrain curve' or 'terrain surface'/);
    await refused([runs['empty']!, '--format', 'csv'], /empty: holds neither result\.json nor run\.json/);
    await refused([runs['hessian']!, '--format', 'h5'], /hessian\/result\.json: 'kind' is "hessian"; export writes 'curve' and 'surface' results/);
    await refused([runs['broken']!, '--format', 'vtp'], /broken\/result\.json: 'loss' should have 2 rows \(one per y\), found an array of 1/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
