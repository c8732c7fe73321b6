// Every reader, fed truncated, mutated and random bytes, either returns or throws a DataError: never
// another exception, a hang or a huge allocation (the caps make sure of the last).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { createRng, type Rng } from '../rng.js';
import { CIFAR10_LAYOUT, cifar100Layout, loadCifar10, loadCifar100, parseCifarRecords } from './cifar.js';
import { loadDigits, parseDigitsCsv } from './digits.js';
import { DataError } from './errors.js';
import { gunzip } from './files.js';
import { cifarBytes, fromBase64, idxBytes, npyBytes, NUMPY_FIXTURES, tempDir } from '../../testing/data-fixtures.js';
import { parseIdx } from './idx.js';
import { loadMnistLike } from './mnist.js';
import { loadNpy, loadNpz } from './numpy.js';
import { npyToFloat32, npyToLabels, parseNpy } from './npy.js';
import { parseNpz } from './npz.js';

const CAP = 1 << 20;

/** Tallies of outcomes, to check that the fuzzing reaches both the accepting and the rejecting paths. */
const outcomes = { accepted: 0, rejected: 0 };

function onlyDataErrors(what: string, input: Uint8Array, f: (b: Uint8Array) => unknown): void {
  try {
    f(input);
    outcomes.accepted++;
  } catch (e) {
    outcomes.rejected++;
    if (!(e instanceof DataError)) {
      assert.fail(`${what} on ${input.length} bytes [${Array.from(input.subarray(0, 24)).join(',')}…] threw ${(e as Error)?.stack ?? e}`);
    }
  }
}

function mutate(good: Uint8Array, rng: Rng): Uint8Array {
  const b = good.slice();
  const flips = 1 + rng.int(8);
  for (let i = 0; i < flips; i++) b[rng.int(b.length)] = rng.int(256);
  return b;
}

const randomBytes = (rng: Rng, n: number) => Uint8Array.from({ length: n }, () => rng.int(256));

function variants(good: Uint8Array, rng: Rng, count = 150, truncations = 200): Uint8Array[] {
  const out: Uint8Array[] = [];
  const step = Math.max(1, Math.floor(good.length / truncations));
  for (let n = 0; n < good.length; n += step) out.push(good.subarray(0, n));
  for (let i = 0; i < count; i++) out.push(mutate(good, rng));
  for (let i = 0; i < count / 3; i++) out.push(randomBytes(rng, rng.int(2 * good.length + 1)));
  for (let i = 0; i < count / 3; i++) { const r = randomBytes(rng, rng.int(good.length + 1)); r.set(good.subarray(0, Math.min(8, r.length))); out.push(r); }
  return out;
}

const pixels = (s: number) => Array.from({ length: 3072 }, (_, i) => (i + s) % 256);
const GOOD = {
  idxImages: idxBytes([3, 4, 4], Array.from({ length: 48 }, (_, i) => i)),
  idxLabels: idxBytes([3], [1, 2, 3]),
  cifar10: cifarBytes([{ labels: [1], pixels: pixels(0) }, { labels: [9], pixels: pixels(1) }]),
  cifar100: cifarBytes([{ labels: [1, 50], pixels: pixels(0) }]),
  npy: npyBytes('<f8', [3, 2], [1, 2, 3, 4, 5, 6], 2),
  npz: fromBase64(NUMPY_FIXTURES.npzSplit),
  csv: new TextEncoder().encode('0,16,3,' + '1,'.repeat(61) + '7\n' + '2,'.repeat(64) + '0\n'),
};

test('byte parsers: truncated, mutated and random input gives only DataErrors', () => {
  const rng = createRng(2024);
  const parsers: [string, Uint8Array, (b: Uint8Array) => unknown][] = [
    ['parseIdx images', GOOD.idxImages, (b) => parseIdx(b, { rank: 3, items: 'images', label: 'f', fix: 'fix' })],
    ['parseIdx labels', GOOD.idxLabels, (b) => parseIdx(b, { rank: 1, items: 'labels', label: 'f', fix: 'fix' })],
    ['parseCifarRecords 10', GOOD.cifar10, (b) => parseCifarRecords(b, CIFAR10_LAYOUT, 'f', 'fix')],
    ['parseCifarRecords 100', GOOD.cifar100, (b) => parseCifarRecords(b, cifar100Layout('fine'), 'f', 'fix')],
    ['parseNpy', GOOD.npy, (b) => { const a = parseNpy(b, 'f'); npyToFloat32(a); return npyToLabels(a, 'f'); }],
    ['parseNpz', GOOD.npz, (b) => parseNpz(b, 'f', CAP)],
    ['parseDigitsCsv', GOOD.csv, (b) => parseDigitsCsv(new TextDecoder().decode(b), 'f')],
    ['gunzip', gzipSync(GOOD.npy), (b) => gunzip(b, 'f', CAP)],
  ];
  for (const [name, good, parse] of parsers) {
    assert.doesNotThrow(() => parse(good), `${name} accepts the good input`);
    const before = { ...outcomes };
    for (const v of variants(good, rng)) onlyDataErrors(name, v, parse);
    assert.ok(outcomes.rejected - before.rejected > 50, `${name}: the fuzzing rejected only ${outcomes.rejected - before.rejected} inputs`);
  }
});

test('file loaders: corrupt files on disk (raw and gzip) give only DataErrors', (t) => {
  const rng = createRng(7);
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const write = (name: string, bytes: Uint8Array) => writeFileSync(join(dir, name), bytes);
  const mnistFiles: Record<string, Uint8Array> = {
    'train-images-idx3-ubyte': GOOD.idxImages, 'train-labels-idx1-ubyte': GOOD.idxLabels,
    't10k-images-idx3-ubyte': GOOD.idxImages, 't10k-labels-idx1-ubyte': GOOD.idxLabels,
  };
  const cifarDir = join(dir, 'c10'), c100 = join(dir, 'c100');
  mkdirSync(cifarDir); mkdirSync(c100);
  const cifarFiles = [...[1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`), 'test_batch.bin'];
  const resetAll = () => {
    for (const [n, b] of Object.entries(mnistFiles)) write(n + '.gz', gzipSync(b));
    for (const n of cifarFiles) writeFileSync(join(cifarDir, n), GOOD.cifar10);
    for (const n of ['train.bin', 'test.bin']) writeFileSync(join(c100, n), GOOD.cifar100);
    write('x.npy', GOOD.npy); write('y.npy', npyBytes('|u1', [3], [0, 1, 2]));
    write('d.npz', GOOD.npz); write('d2.npz', zipSync({ 'x.npy': GOOD.npy, 'y.npy': npyBytes('<i4', [3], [2, 1, 0]) }));
    write('digits.csv', GOOD.csv);
  };
  resetAll();
  const loaders: [string, string, () => unknown][] = [
    ...Object.keys(mnistFiles).map((n): [string, string, () => unknown] => [`mnist ${n}`, join(dir, n + '.gz'), () => loadMnistLike('mnist', dir, { maxBytes: CAP })]),
    ['cifar10', join(cifarDir, 'data_batch_3.bin'), () => loadCifar10(cifarDir, { maxBytes: CAP })],
    ['cifar100', join(c100, 'test.bin'), () => loadCifar100(c100, 'fine', { maxBytes: CAP })],
    ['npy x', join(dir, 'x.npy'), () => loadNpy(join(dir, 'x.npy'), join(dir, 'y.npy'), { maxBytes: CAP })],
    ['npy y', join(dir, 'y.npy'), () => loadNpy(join(dir, 'x.npy'), join(dir, 'y.npy'), { maxBytes: CAP })],
    ['npz', join(dir, 'd.npz'), () => loadNpz(join(dir, 'd.npz'), { maxBytes: CAP })],
    ['npz (fflate zip)', join(dir, 'd2.npz'), () => loadNpz(join(dir, 'd2.npz'), { maxBytes: CAP })],
    ['digits', join(dir, 'digits.csv'), () => loadDigits({ path: join(dir, 'digits.csv'), maxBytes: CAP })],
  ];
  for (const [name, path, load] of loaders) {
    const good = new Uint8Array(readFileSync(path));
    for (const v of variants(good, rng, 24, 12)) {
      const gz = path.endsWith('.gz');
      const plain = gz ? gunzip(good, path) : good;
      const bad = gz ? (rng.uniform() < 0.5 ? gzipSync(mutate(plain, rng)) : v) : v;
      writeFileSync(path, bad);
      onlyDataErrors(name, bad, () => load());
    }
    writeFileSync(path, good);
  }
});

