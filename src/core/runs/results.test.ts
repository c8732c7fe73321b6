// The run reader: typed curve/surface results with the non-finite encoding, other kinds as objects, checked run.json,
// bounded reads; and `terrain classify` reading a curve with a NaN point through it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isInputError } from '../../ir/errors.js';
import { readResult, readResultIfPresent, readRunConfig, readRunConfigIfPresent, ResultFileError } from './results.js';
import { stringifyWithNonFinite } from './non-finite.js';

function withDir(body: (dir: string) => void | Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'terrain-results-'));
    try {
      await body(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const put = (dir: string, name: string, text: string): string => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

test('a curve result: tokens become numbers, null stays missing, read from the directory or the file', withDir((dir) => {
  const path = put(dir, 'result.json', stringifyWithNonFinite({ kind: 'curve', lambdas: [-1, 0, 1], loss: [NaN, 1, Infinity], accuracy: [0.5, null, -Infinity], direction: 'gradient' }));
  assert.match(readFileSync(path, 'utf8'), /"NaN"/); // the file holds the token, so the decoding is exercised
  for (const r of [readResult(dir), readResult(path)]) {
    assert.equal(r.kind, 'curve');
    if (r.kind !== 'curve') return;
    assert.deepEqual(r.lambdas, [-1, 0, 1]);
    assert.ok(Number.isNaN(r.loss[0]));
    assert.equal(r.loss[2], Infinity);
    assert.deepEqual(r.accuracy, [0.5, null, -Infinity]);
    assert.equal(r.lossStderr, undefined);
    assert.equal(r.json['direction'], 'gradient');
    assert.ok(Number.isNaN((r.json['loss'] as number[])[0]));
  }
}));

test('a surface result: row-major with x fastest; a short grid is refused naming the field', withDir((dir) => {
  put(join(dir, 's'), 'result.json', JSON.stringify({ kind: 'surface', x: [0, 1, 2], y: [10, 20], loss: [[1, 2, 3], [4, 5, '-Infinity']] }));
  const r = readResult(join(dir, 's'));
  assert.equal(r.kind, 'surface');
  if (r.kind === 'surface') assert.deepEqual(r.loss, [1, 2, 3, 4, 5, -Infinity]);
  // An old file without 'kind' is recognised by its axes.
  put(join(dir, 'old'), 'result.json', JSON.stringify({ lambdas: [0, 1], loss: [1, 2] }));
  assert.equal(readResult(join(dir, 'old')).kind, 'curve');
  put(join(dir, 'bad'), 'result.json', JSON.stringify({ kind: 'surface', x: [0, 1], y: [0, 1], loss: [[1, 2]] }));
  assert.throws(() => readResult(join(dir, 'bad')), (e: Error) => e instanceof ResultFileError && isInputError(e) && /bad\/result\.json: 'loss' should have 2 rows \(one per y\), found an array of 1/.test(e.message));
}));

test('other kinds carry their object; unknown kinds and non-objects are unknown; bad JSON names the file', withDir((dir) => {
  put(join(dir, 'h'), 'result.json', JSON.stringify({ kind: 'hessian', eigenvalues: [3, 'NaN'] }));
  const h = readResult(join(dir, 'h'));
  assert.equal(h.kind, 'hessian');
  assert.ok(Number.isNaN((h.json as { eigenvalues: number[] }).eigenvalues[1]));
  put(join(dir, 'u'), 'result.json', JSON.stringify({ kind: 'from-the-future', a: 1 }));
  const u = readResult(join(dir, 'u'));
  assert.equal(u.kind, 'unknown');
  if (u.kind === 'unknown') assert.equal(u.recordedKind, 'from-the-future');
  put(join(dir, 'a'), 'result.json', '[1, 2]');
  assert.equal(readResult(join(dir, 'a')).kind, 'unknown');
  put(join(dir, 'j'), 'result.json', '{"kind":');
  assert.throws(() => readResult(join(dir, 'j'), { expected: 'curve result' }), /j\/result\.json: cannot read a JSON curve result/);
  assert.equal(readResultIfPresent(join(dir, 'none')), undefined);
  assert.throws(() => readResult(join(dir, 'none')), /cannot read the file \(ENOENT\)/);
}));

test('reads are bounded: a file over the limit is refused before it is parsed', withDir((dir) => {
  put(dir, 'result.json', JSON.stringify({ kind: 'curve', lambdas: [0], loss: [1], pad: 'x'.repeat(200) }));
  assert.throws(() => readResult(dir, { maxBytes: 100 }), /more than the 100-byte limit/);
}));

test('run.json: checked kind, identity and info; absent is undefined', withDir((dir) => {
  assert.equal(readRunConfigIfPresent(dir), undefined);
  put(dir, 'run.json', JSON.stringify({ kind: 'curve', identity: { grid: ['-1:1:3'] }, info: { version: '1' } }));
  assert.deepEqual(readRunConfig(dir).identity, { grid: ['-1:1:3'] });
  put(dir, 'run.json', JSON.stringify({ kind: 'curve', identity: [] , info: {} }));
  assert.throws(() => readRunConfig(dir), /run\.json: 'identity' should be an object, found an array of 0/);
  put(dir, 'run.json', JSON.stringify({ identity: {}, info: {} }));
  assert.throws(() => readRunConfig(dir), /run\.json: 'kind' should be a string, found nothing/);
}));

test('terrain classify reads through the reader: a NaN loss is named as such (it used to stop at string "NaN"); a NaN elsewhere is written back encoded', withDir(async (dir) => {
  const { buildProgram } = await import('../../cli/main-program.js');
  const lambdas = Array.from({ length: 21 }, (_, i) => -1 + i / 10);
  const loss = lambdas.map((l) => 1 + l * l);
  const classify = async (result: unknown): Promise<{ path: string; stdout: string; error?: Error }> => {
    const path = put(dir, 'result.json', stringifyWithNonFinite(result, 1));
    const write = process.stdout.write.bind(process.stdout);
    let stdout = '';
    process.stdout.write = ((chunk: string) => { stdout += chunk; return true; }) as typeof process.stdout.write;
    try {
      await buildProgram().exitOverride().parseAsync(['node', 'terrain', 'classify', path, '--write']);
      return { path, stdout };
    } catch (error) {
      return { path, stdout, error: error as Error };
    } finally {
      process.stdout.write = write;
    }
  };
  const diverged = await classify({ kind: 'curve', lambdas, loss: loss.map((v, i) => (i === 20 ? NaN : v)) });
  assert.ok(diverged.error && isInputError(diverged.error));
  assert.match(diverged.error.message, /loss\[20\] is NaN at λ=1/);
  assert.doesNotMatch(diverged.error.message, /string/);

  const ok = await classify({ kind: 'curve', lambdas, loss, accuracy: lambdas.map((_, i) => (i === 3 ? NaN : 0.5)) });
  assert.equal(ok.error, undefined);
  assert.match(ok.stdout, /result\.json: v-basin|result\.json: \S+/);
  const text = readFileSync(ok.path, 'utf8');
  assert.match(text, /"NaN"/, 'the NaN accuracy stays encoded, not null');
  const back = readResult(ok.path);
  assert.equal(back.kind, 'curve');
  assert.ok(back.kind === 'curve' && back.accuracy !== undefined && Number.isNaN(back.accuracy[3]) && typeof back.json['type'] === 'string');
}));
