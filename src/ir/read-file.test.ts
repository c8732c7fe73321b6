// Special files given as user input: a /dev/zero symlink, a FIFO, a directory, an oversized file. Every reader of a
// user file refuses them before reading (a FIFO would block forever, /dev/zero would fill memory).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileRefusedError, readRegularFile } from './read-file.js';
import { readSafetensors } from './safetensors.js';
import { readWeightsFile } from './weights/index.js';
import { loadTfjsModel } from './tfjs/index.js';
import { makeFifo, makeFolder, makeZeroLink } from '../testing/hostile/files.js';

const dir = mkdtempSync(join(tmpdir(), 'terrain-special-'));
const fifo = (name: string): string => makeFifo(join(dir, name));
const zero = (name: string): string => makeZeroLink(join(dir, name));
const folder = (name: string): string => makeFolder(join(dir, name));

test('readRegularFile reads regular files and refuses FIFOs, devices, directories, missing and oversized files', () => {
  const ok = join(dir, 'ok.bin');
  writeFileSync(ok, new Uint8Array([1, 2, 3]));
  assert.deepEqual([...readRegularFile(ok)], [1, 2, 3]);
  const refused = (re: RegExp) => (e: unknown) => e instanceof FileRefusedError && re.test(e.message);
  assert.throws(() => readRegularFile(fifo('p'), { what: '--model' }), refused(/^--model .*\/p: is a FIFO \(named pipe\), not a regular file/));
  assert.throws(() => readRegularFile(zero('z')), refused(/^\/.*\/z: is a character device, not a regular file/));
  assert.throws(() => readRegularFile(folder('d')), refused(/\/d: is a directory, not a regular file/));
  assert.throws(() => readRegularFile(join(dir, 'missing')), refused(/\/missing: cannot read the file \(ENOENT\)$/));
  assert.throws(() => readRegularFile(ok, { maxBytes: 2 }), refused(/ok\.bin: is 3 bytes, more than the 2-byte limit/));
});

test('the ir readers of user files (safetensors, .pt weights, TF.js model.json) refuse special files with their own error', () => {
  for (const [read, name] of [
    [readSafetensors, 'a.safetensors'], [(p: string) => readWeightsFile(p), 'w.pt'], [loadTfjsModel, 'model.json'],
  ] as const) {
    for (const make of [fifo, zero, folder]) {
      const p = make(`${make.name}-${name}`);
      assert.throws(() => read(p), (e: Error) => !(e instanceof FileRefusedError) && e.message.includes(p) && /not a regular file/.test(e.message), `${name} as ${make.name}`);
    }
  }
});

test('the CLI: a special file as model, weights, classify input or data exits 2 with one line naming it, at once', () => {
  const main = new URL('../cli/main.js', import.meta.url).pathname;
  const onnx = new URL('../../test/fixtures/onnx/tinyvit.onnx', import.meta.url).pathname;
  const cases: [string[], string][] = [
    [['eval', '--model', zero('cli-zero.onnx'), '--data', 'digits'], 'cli-zero.onnx: is a character device'],
    [['eval', '--model', onnx, '--weights', fifo('cli-fifo.pt'), '--data', 'digits'], 'cli-fifo.pt: is a FIFO'],
    [['classify', fifo('cli-result.json')], 'cli-result.json: is a FIFO'],
    [['eval', '--model', onnx, '--data', `npy:${fifo('x.npy')},${fifo('y.npy')}`, '--split', 'all'], 'x.npy: is a FIFO (named pipe), not a regular file'],
  ];
  for (const [args, want] of cases) {
    // A hang (a FIFO read, /dev/zero read to exhaustion) is killed by the timeout and fails the status check; the
    // bound is generous because a loaded 2-core machine can take seconds just to start node.
    const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, TERRAIN_NO_PROGRESS: '1' } });
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('terrain:'));
    assert.equal(lines.length, 1, r.stderr);
    assert.ok(lines[0]!.includes(want), lines[0]);
  }
});
