// Fuzzed weights files: truncated, bit-flipped and overwritten copies of a torch.save state_dict and of a
// safetensors one, plus forged zip directories. Reading must succeed or throw WeightsFileError, quickly and without
// large allocations; whatever is read must then map onto a matching model or fail with StateDictError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRng, type Rng } from '../../core/rng.js';
import { attr, GraphBuilder } from '../builder.js';
import type { Model } from '../model.js';
import { encodeSafetensors, readSafetensors } from '../safetensors.js';
import { applyStateDict, decodeWeights, StateDictError, WeightsFileError } from './index.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/weights/', import.meta.url));

/** A model with the fixture state_dict's names and shapes: Conv(2→3, 3×3), BN(3), Flatten, Linear(12→4). */
function matchingModel(): Model {
  const state = readSafetensors(`${FIXTURES}small.expected.safetensors`).tensors;
  const b = new GraphBuilder('small', 13);
  for (const [k, t] of state) if (!k.endsWith('num_batches_tracked')) b.initializer(k, t);
  const x = b.input('input', 'float32', ['N', 2, 4, 4]);
  const bn = b.op('BatchNormalization', [b.op('Conv', [x, '0.weight', '0.bias']), '1.weight', '1.bias', '1.running_mean', '1.running_var']);
  const y = b.op('Gemm', [b.op('Flatten', [bn], { axis: attr.int(1) }), '3.weight', '3.bias'], { transB: attr.int(1) });
  b.output(b.rename(y, 'logits'), 'float32', ['N', 4]);
  return {
    spec: { arch: 'onnx', options: {}, inputShape: [2, 4, 4], classes: 4 }, graph: b.build(),
    params: ['0.weight', '0.bias', '1.weight', '1.bias', '3.weight', '3.bias'], buffers: ['1.running_mean', '1.running_var'],
  };
}

function mutate(base: Uint8Array, rng: Rng): { bytes: Uint8Array; what: string } {
  const bytes = base.slice();
  switch (rng.int(3)) {
    case 0: {
      const n = rng.int(base.length);
      return { bytes: base.slice(0, n), what: `truncated to ${n}` };
    }
    case 1: {
      const at: number[] = [];
      for (let k = 1 + rng.int(4); k > 0; k--) {
        const i = rng.int(bytes.length), bit = rng.int(8);
        bytes[i]! ^= 1 << bit;
        at.push(i * 8 + bit);
      }
      return { bytes, what: `bits ${at.join(',')} flipped` };
    }
    default: {
      const start = rng.int(bytes.length), len = 1 + rng.int(16);
      for (let i = start; i < Math.min(bytes.length, start + len); i++) bytes[i] = rng.int(256);
      return { bytes, what: `${len} random bytes at ${start}` };
    }
  }
}

function fuzz(base: Uint8Array, source: string, seed: number, count: number): { read: number; mapped: number } {
  const rng = createRng(seed);
  const model = matchingModel();
  let read = 0, mapped = 0;
  for (let k = 0; k < count; k++) {
    const { bytes, what } = mutate(base, rng);
    const before = process.memoryUsage().arrayBuffers;
    const t0 = performance.now();
    try {
      const w = decodeWeights(bytes, source);
      read++;
      try {
        applyStateDict(model, w.tensors, source);
        mapped++;
      } catch (e) {
        if (!(e instanceof StateDictError)) throw new Error(`${what}: mapping threw ${(e as Error).stack}`);
      }
    } catch (e) {
      if (!(e instanceof WeightsFileError)) throw new Error(`${what}: ${(e as Error).name} instead of WeightsFileError: ${(e as Error).stack}`);
      assert.ok(e.message.startsWith(`${source}: `), `${what}: the message names the file: ${e.message}`);
    }
    const ms = performance.now() - t0;
    assert.ok(ms < 1000, `${what}: took ${ms.toFixed(0)} ms`);
    assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 2 ** 20, `${what}: allocated too much`);
  }
  return { read, mapped };
}

test('fuzzed torch.save files: WeightsFileError or a state_dict, fast and small', () => {
  const base = new Uint8Array(readFileSync(`${FIXTURES}small.pt`));
  const { read, mapped } = fuzz(base, 'fuzz.pt', 5, 600);
  assert.ok(read > 20 && read < 600 && mapped > 0, `read ${read}, mapped ${mapped}: the fuzzer should reach both outcomes`);
});

test('fuzzed safetensors files: WeightsFileError or a state_dict, fast and small', () => {
  const base = encodeSafetensors(readSafetensors(`${FIXTURES}small.expected.safetensors`).tensors);
  const { read, mapped } = fuzz(base, 'fuzz.safetensors', 6, 600);
  assert.ok(read > 20 && read < 600 && mapped > 0, `read ${read}, mapped ${mapped}`);
});

/** Offsets of the central directory headers (signature PK\1\2) of a zip. */
function centralHeaders(zip: Uint8Array): number[] {
  const at: number[] = [];
  for (let i = 0; i + 4 <= zip.length; i++) if (zip[i] === 0x50 && zip[i + 1] === 0x4b && zip[i + 2] === 1 && zip[i + 3] === 2) at.push(i);
  return at;
}

test('forged zip directories: giant inflated sizes, unknown compression, too many entries', () => {
  const base = new Uint8Array(readFileSync(`${FIXTURES}small.pt`));
  const forged = (patch: (z: Uint8Array, v: DataView, headers: number[]) => void) => {
    const z = base.slice();
    patch(z, new DataView(z.buffer), centralHeaders(z));
    return z;
  };
  const cases: [string, Uint8Array, RegExp][] = [
    ['data.pkl claims 4 GB', forged((_, v, h) => { v.setUint16(h[0]! + 10, 8, true); v.setUint32(h[0]! + 24, 0xfffffff0, true); }), /data\.pkl is 4294967280 bytes; more than the 4194304-byte limit/],
    ['a storage claims 4 GB deflated', forged((_, v, h) => { v.setUint16(h[1]! + 10, 8, true); v.setUint32(h[1]! + 24, 0xfffffff0, true); }), /the selected zip entries would inflate to more than 268438709 bytes/],
    ['a zip64 size marker without its extra field', forged((_, v, h) => { v.setUint32(h[0]! + 24, 0xffffffff, true); }), /not a readable zip archive/],
    ['a stored entry whose sizes disagree', forged((_, v, h) => { v.setUint32(h[1]! + 24, 217, true); }), /stored zip entry 'small\/data\/0' has sizes 216 and 217/],
    ['compression method 14 (LZMA)', forged((_, v, h) => { v.setUint16(h[0]! + 10, 14, true); }), /compression method 14/],
    ['a zip64 end record listing 2^32 − 1 entries', forged((z, v) => {
      let e = z.length - 22;
      while (v.getUint32(e, true) !== 0x06064b50) e--;
      v.setUint32(e + 32, 0xffffffff, true);
    }), /the zip directory lists more than 100000 entries/],
  ];
  for (const [what, bytes, message] of cases) {
    const t0 = performance.now();
    try {
      decodeWeights(bytes, 'forged.pt');
      assert.fail(`${what}: accepted`);
    } catch (e) {
      assert.ok(e instanceof WeightsFileError, `${what}: ${(e as Error).stack}`);
      assert.match(e.message, message, what);
    }
    assert.ok(performance.now() - t0 < 1000, what);
  }
});
