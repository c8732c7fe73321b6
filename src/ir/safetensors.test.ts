import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSafetensors, encodeSafetensors, readSafetensors, SafetensorsError, writeSafetensors } from './safetensors.js';
import { initStream } from './zoo/init.js';
import type { Tensor } from './tensor.js';

/** A file assembled by hand from the format description, independent of the writer. */
function handMade(header: unknown, data: number[] | Uint8Array, pad = 0): Uint8Array {
  const json = Buffer.from(JSON.stringify(header) + ' '.repeat(pad), 'utf8');
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f32 = (...v: number[]): number[] => [...new Uint8Array(new Float32Array(v).buffer)];

test('reads a hand-assembled file: values, shapes, metadata', () => {
  const bytes = handMade({ __metadata__: { format: 'pt' }, b: { dtype: 'I64', shape: [1], data_offsets: [8, 16] }, a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } },
    [...f32(1, -2.5), 7, 0, 0, 0, 0, 0, 0, 0], 3);
  const { tensors, metadata } = decodeSafetensors(bytes, 'hand.safetensors');
  assert.deepEqual(metadata, { format: 'pt' });
  assert.deepEqual([...tensors.keys()], ['a', 'b'], 'tensors come in data order');
  assert.deepEqual([...tensors.get('a')!.data], [1, -2.5]);
  assert.deepEqual(tensors.get('a')!.dims, [2]);
  assert.deepEqual([...tensors.get('b')!.data], [7n]);
});

test('every dtype, a scalar and an empty tensor round-trip; header is space-padded to 8 bytes', () => {
  const tensors = new Map<string, Tensor>([
    ['w', { dtype: 'float32', dims: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, -6.25]) }],
    ['d', { dtype: 'float64', dims: [2], data: new Float64Array([Math.PI, -1e-300]) }],
    ['i', { dtype: 'int64', dims: [2], data: new BigInt64Array([-(2n ** 62n), 5n]) }],
    ['j', { dtype: 'int32', dims: [1], data: new Int32Array([-7]) }],
    ['k', { dtype: 'int8', dims: [1], data: new Int8Array([-3]) }],
    ['u', { dtype: 'uint8', dims: [3], data: new Uint8Array([0, 128, 255]) }],
    ['m', { dtype: 'bool', dims: [2], data: new Uint8Array([1, 0]) }],
    ['s', { dtype: 'float32', dims: [], data: new Float32Array([42]) }],
    ['e', { dtype: 'float32', dims: [0, 4], data: new Float32Array(0) }],
  ]);
  const bytes = encodeSafetensors(tensors, { 'terrain.spec': '{"arch":"mlp"}', note: 'héllo' });
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal((8 + n) % 8, 0);
  const headerText = Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8');
  assert.match(headerText, /^\{.*\} *$/);
  const back = decodeSafetensors(bytes);
  assert.deepEqual(back.metadata, { 'terrain.spec': '{"arch":"mlp"}', note: 'héllo' });
  for (const [name, t] of tensors) {
    const b = back.tensors.get(name)!;
    assert.equal(b.dtype, t.dtype, name);
    assert.deepEqual(b.dims, t.dims, name);
    assert.deepEqual([...b.data], [...t.data], name);
  }
});

test('hostile inputs give a SafetensorsError naming the file and the problem', () => {
  const good = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  const cases: [string, Uint8Array, RegExp][] = [
    ['short', new Uint8Array(5), /too short/],
    ['huge header length', (() => { const b = handMade(good, f32(1, 2)); new DataView(b.buffer).setBigUint64(0, 2n ** 63n, true); return b; })(), /larger than/],
    ['not json', handMade(good, f32(1, 2)).map((v, i) => (i === 8 ? 0x41 : v)), /not valid UTF-8 JSON/],
    ['array header', handMade([1, 2], []), /must be a JSON object/],
    ['offsets past the end', handMade({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, f32(1, 2)), /outside the 8-byte data section/],
    ['begin after end', handMade({ a: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } }, f32(1, 2)), /outside/],
    ['huge shape', handMade({ a: { dtype: 'F32', shape: [1e15, 1e15, 1e15], data_offsets: [0, 8] } }, f32(1, 2)), /needs more than \d+ bytes, data_offsets give 8/],
    ['shape/offset mismatch', handMade({ a: { dtype: 'F64', shape: [2], data_offsets: [0, 8] } }, f32(1, 2)), /needs 16 bytes/],
    ['negative dim', handMade({ a: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, f32(1, 2)), /non-negative integers/],
    ['unknown dtype', handMade({ a: { dtype: 'F16', shape: [4], data_offsets: [0, 8] } }, f32(1, 2)), /not supported/],
    ['prototype dtype', handMade({ a: { dtype: 'constructor', shape: [2], data_offsets: [0, 8] } }, f32(1, 2)), /not supported/],
    ['overlap', handMade({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32(1, 2)), /overlaps/],
    ['gap', handMade({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32(1, 2)), /gap/],
    ['trailing bytes', handMade(good, [...f32(1, 2), 0, 0]), /trailing/],
    ['metadata not strings', handMade({ __metadata__: { epoch: 3 }, ...good }, f32(1, 2)), /__metadata__ 'epoch' must be a string/],
    ['missing offsets', handMade({ a: { dtype: 'F32', shape: [2] } }, f32(1, 2)), /data_offsets must be/],
  ];
  for (const [what, bytes, message] of cases) {
    assert.throws(() => decodeSafetensors(bytes, 'bad.safetensors'), (e: unknown) => {
      assert.ok(e instanceof SafetensorsError, `${what}: ${String(e)}`);
      assert.match(e.message, /^bad\.safetensors: /, what);
      assert.match(e.message, message, what);
      return true;
    });
  }
});

test('fuzz: truncations, bit flips and random header lengths never crash or misreport', () => {
  const tensors = new Map<string, Tensor>([
    ['conv1.weight', { dtype: 'float32', dims: [2, 1, 3, 3], data: new Float32Array(18).map((_, i) => i - 9) }],
    ['bn1.running_var', { dtype: 'float64', dims: [2], data: new Float64Array([1, 2]) }],
    ['steps', { dtype: 'int64', dims: [], data: new BigInt64Array([3n]) }],
  ]);
  const good = encodeSafetensors(tensors, { 'terrain.spec': '{"arch":"cnn-small"}' });
  const rng = initStream(7, 'safetensors fuzz');
  const check = (bytes: Uint8Array, what: string): void => {
    try {
      const out = decodeSafetensors(bytes, 'fuzz.safetensors');
      // Whatever decodes must be self-consistent: data length matches shape and dtype.
      for (const [name, t] of out.tensors) assert.equal(t.data.length, t.dims.reduce((a, d) => a * d, 1), `${what}: ${name}`);
    } catch (e) {
      assert.ok(e instanceof SafetensorsError, `${what}: threw ${String(e)}`);
      assert.match(e.message, /^fuzz\.safetensors: /);
    }
  };
  for (let len = 0; len < good.length; len++) {
    assert.throws(() => decodeSafetensors(good.subarray(0, len), 'fuzz.safetensors'), SafetensorsError, `truncated to ${len}`);
  }
  for (let trial = 0; trial < 3000; trial++) {
    const bytes = good.slice();
    const flips = 1 + Math.floor(rng.uniform() * 3);
    for (let f = 0; f < flips; f++) {
      const i = Math.floor(rng.uniform() * bytes.length);
      bytes[i]! ^= 1 << Math.floor(rng.uniform() * 8);
    }
    check(bytes, `trial ${trial}`);
  }
  for (let trial = 0; trial < 200; trial++) {
    const bytes = good.slice();
    new DataView(bytes.buffer).setUint32(0, Math.floor(rng.uniform() * 2 ** 32), true);
    new DataView(bytes.buffer).setUint32(4, trial % 2 ? 0 : Math.floor(rng.uniform() * 2 ** 32), true);
    check(bytes, `header length trial ${trial}`);
  }
});

test('writeSafetensors replaces files atomically and leaves no temporary files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'terrain-st-'));
  try {
    const path = join(dir, 'w.safetensors');
    writeFileSync(path, 'old contents');
    writeSafetensors(path, { x: { dtype: 'float32', dims: [1], data: new Float32Array([3]) } });
    assert.deepEqual([...readSafetensors(path).tensors.get('x')!.data], [3]);
    assert.deepEqual(readdirSync(dir), ['w.safetensors']);
    assert.throws(() => writeSafetensors(join(dir, 'missing', 'w.safetensors'), {}), /ENOENT/);
    assert.throws(() => readSafetensors(join(dir, 'nope.safetensors')), (e: unknown) => e instanceof SafetensorsError && /nope\.safetensors: cannot read/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
