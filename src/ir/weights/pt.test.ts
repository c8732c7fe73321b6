import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensors } from '../safetensors.js';
import type { Tensor } from '../tensor.js';
import { runPython, torchAvailable } from '../../testing/pytorch.js';
import { floatBytes, forgeArchive, forgePickle } from './forge.js';
import { decodeTorchSave, halfToFloat, TorchFileError } from './pt.js';
import { readWeightsFile, WeightsFileError } from './index.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/weights/', import.meta.url));

function assertSameTensors(got: Map<string, Tensor>, want: Map<string, Tensor>, what: string): void {
  assert.deepEqual([...got.keys()], [...want.keys()], `${what}: names in order`);
  for (const [k, w] of want) {
    const g = got.get(k)!;
    assert.equal(g.dtype, w.dtype, `${what}: ${k} dtype`);
    assert.deepEqual(g.dims, w.dims, `${what}: ${k} shape`);
    const a = Array.from(g.data as ArrayLike<number | bigint>), b = Array.from(w.data as ArrayLike<number | bigint>);
    assert.ok(a.every((v, i) => Object.is(v, b[i])), `${what}: ${k} values`);
  }
}

test('a committed torch.save state_dict (PyTorch 1.13) reads exactly, int64 num_batches_tracked included', () => {
  const sd = decodeTorchSave(readFileSync(join(FIXTURES, 'small.pt')), 'small.pt');
  assertSameTensors(sd.tensors, readSafetensors(join(FIXTURES, 'small.expected.safetensors')).tensors, 'small.pt');
  assert.equal(sd.foundAt, '');
});

test('hand-written archives: strided views of one storage, offsets, 0-d and empty tensors', () => {
  const storage = floatBytes(Array.from({ length: 12 }, (_, i) => i));
  const bytes = forgeArchive(forgePickle([
    { name: 'whole', storage: '0', numel: 12, size: [3, 4] },
    { name: 'transposed', storage: '0', numel: 12, size: [4, 3], stride: [1, 4] },
    { name: 'column', storage: '0', numel: 12, offset: 2, size: [3], stride: [4] },
    { name: 'scalar', storage: '0', numel: 12, offset: 11, size: [] },
    { name: 'empty', storage: '0', numel: 12, size: [0, 5] },
  ]), { 0: storage });
  const t = decodeTorchSave(bytes, 'forged.pt').tensors;
  assert.deepEqual(Array.from(t.get('transposed')!.data as Float32Array), [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
  assert.deepEqual(Array.from(t.get('column')!.data as Float32Array), [2, 6, 10]);
  assert.deepEqual([t.get('scalar')!.dims, Array.from(t.get('scalar')!.data as Float32Array)], [[], [11]]);
  assert.deepEqual(t.get('empty')!.dims, [0, 5]);
});

test('half floats decode exactly: normals, subnormals, infinities, NaN, signed zero', () => {
  assert.equal(halfToFloat(0x3c00), 1);
  assert.equal(halfToFloat(0x7bff), 65504);
  assert.equal(halfToFloat(0x0001), 2 ** -24);
  assert.equal(halfToFloat(0xfc00), -Infinity);
  assert.ok(Number.isNaN(halfToFloat(0x7e00)));
  assert.ok(Object.is(halfToFloat(0x8000), -0));
});

test('every torch.save case PyTorch writes: dtypes, views, nested checkpoints, and the refusals', async (t) => {
  if (!torchAvailable()) { t.skip('python3-torch not installed'); return; }
  const dir = mkdtempSync(join(tmpdir(), 'terrain-pt-'));
  try {
    runPython('export_pt_cases.py', [dir]);
    const cases = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as Record<string, { foundAt: string; skipped: string[] }>;
    for (const [name, info] of Object.entries(cases)) {
      const w = readWeightsFile(join(dir, `${name}.pt`));
      assertSameTensors(w.tensors, readSafetensors(join(dir, `${name}.expected.safetensors`)).tensors, name);
      assert.deepEqual(w.skipped, info.skipped, `${name}: skipped entries`);
      assert.equal(decodeTorchSave(readFileSync(join(dir, `${name}.pt`)), name).foundAt, info.foundAt);
    }
    const refusals: [string, RegExp][] = [
      ['whole_module', /a pickled object of class torch\.nn\.modules\.container\.Sequential, not a state_dict; save model\.state_dict\(\) instead/],
      ['scripted', /a TorchScript archive \(torch\.jit\.save\)/],
      ['legacy', /legacy torch\.save format \(PyTorch < 1\.6/],
    ];
    for (const [name, message] of refusals) assert.throws(() => readWeightsFile(join(dir, `${name}.pt`)), (e: Error) => e instanceof WeightsFileError && message.test(e.message), name);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('forged archives with hostile sizes are refused before allocating', () => {
  const small = floatBytes([1, 2, 3, 4]);
  const refuse = (what: string, bytes: Uint8Array, message: RegExp) => {
    const before = process.memoryUsage().arrayBuffers;
    assert.throws(() => decodeTorchSave(bytes, 'forged.pt'), (e: Error) => e instanceof TorchFileError && message.test(e.message), what);
    assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 2 ** 20, `${what}: allocated too much`);
  };
  refuse('a view past its storage', forgeArchive(forgePickle([{ name: 'w', storage: '0', numel: 4, size: [2 ** 20, 2 ** 20] }]), { 0: small }), /reaches element 1099511627775 of a 4-element storage/);
  refuse('an expanded (stride 0) view', forgeArchive(forgePickle([{ name: 'w', storage: '0', numel: 4, size: [2 ** 30], stride: [0] }]), { 0: small }), /1073741824 elements viewing a storage of 4/);
  refuse('a storage claiming 2^40 elements', forgeArchive(forgePickle([{ name: 'w', storage: '0', numel: 2 ** 40, size: [4] }]), { 0: small }), /should hold 1099511627776 float32 values/);
  refuse('a missing storage entry', forgeArchive(forgePickle([{ name: 'w', storage: '7', numel: 4, size: [4] }]), { 0: small }), /storage data\/7 is missing/);
  refuse('an unknown storage type', forgeArchive(forgePickle([{ name: 'w', storage: '0', type: 'ComplexFloatStorage', numel: 4, size: [4] }]), { 0: small }), /storage type torch\.ComplexFloatStorage is not supported/);
  refuse('a storage key with a path in it', forgeArchive(forgePickle([{ name: 'w', storage: '../../etc/passwd', numel: 4, size: [4] }]), { 0: small }), /is not a plain name/);
  const many = Array.from({ length: 300 }, (_, i) => ({ name: `w${i}`, storage: '0', numel: 65536, size: [65536] }));
  refuse('300 views of one 256 KB storage', forgeArchive(forgePickle(many), { 0: new Uint8Array(4 * 65536) }), /more than twice the file's size/);
  refuse('a 5 MB data.pkl', forgeArchive(new Uint8Array(5 * 2 ** 20), {}), /data\.pkl is 5242880 bytes; more than the 4194304-byte limit/);
});
