// Hostile .pt archives: a huge LONG4 integer (quadratic in pickleparser), a deflate stream longer than its declared
// size (a lying zip bomb), corrupted storage bytes (CRC-32). Each is refused quickly, naming the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { zipSync } from 'fflate';
import { decodeTorchSave, TorchFileError } from './pt.js';
import { floatBytes, forgeArchive, forgePickle } from './forge.js';

const fc = { name: 'fc.weight', storage: '0', numel: 4, size: [2, 2] };
const good = (): Uint8Array => forgeArchive(forgePickle([fc]), { '0': floatBytes([1, 2, 3, 4]) });

/** Sets the uncompressed size that the local header and the central directory declare for `name`. */
function declareSize(zip: Uint8Array, name: string, size: number): void {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const want = new TextEncoder().encode(name);
  const nameAt = (at: number): boolean => want.every((c, k) => zip[at + k] === c);
  for (let at = 0; at + 46 < zip.length; at++) {
    const sig = view.getUint32(at, true);
    if (sig === 0x04034b50 && view.getUint16(at + 26, true) === want.length && nameAt(at + 30)) view.setUint32(at + 22, size, true);
    if (sig === 0x02014b50 && view.getUint16(at + 28, true) === want.length && nameAt(at + 46)) view.setUint32(at + 24, size, true);
  }
}

test('the forged archive itself reads (the cases below differ from it in one thing)', () => {
  assert.deepEqual([...(decodeTorchSave(good(), 'good.pt').tensors.get('fc.weight')!.data as Float32Array)], [1, 2, 3, 4]);
});

test('a pickle holding a 600 KB LONG4 integer is refused at once, not parsed for minutes', () => {
  const n = 600_000;
  const pickle = new Uint8Array(2 + 5 + n + 1);
  pickle.set([0x80, 2, 0x8b, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, 0]);
  pickle.fill(0x7f, 7, 7 + n);
  pickle[pickle.length - 1] = 0x2e;
  const t0 = performance.now();
  assert.throws(() => decodeTorchSave(forgeArchive(pickle, {}), 'long.pt'), (e: Error) => e instanceof TorchFileError && /long\.pt: data\.pkl: an integer of 600,000 bytes/.test(e.message));
  assert.ok(performance.now() - t0 < 2000, `${performance.now() - t0} ms`);
  // A small LONG4 (what Python writes for big ints) passes the scan and parses (to an int, not a state_dict).
  assert.throws(() => decodeTorchSave(forgeArchive(new Uint8Array([0x80, 2, 0x8b, 2, 0, 0, 0, 1, 1, 0x2e]), {}), 'small-long.pt'), /small-long\.pt: the file holds no dict of tensors/);
});

test('a deflate stream longer than the size its zip entry declares is refused without inflating it all', () => {
  const zeros = new Uint8Array(8 << 20); // 8 MiB of zeros deflates to ~8 KB
  const zip = zipSync({
    'archive/data.pkl': [forgePickle([{ ...fc, numel: 4 }]), { level: 0 }],
    'archive/version': [new TextEncoder().encode('3\n'), { level: 0 }],
    'archive/data/0': [zeros, { level: 9 }],
  });
  declareSize(zip, 'archive/data/0', 16);
  assert.throws(() => decodeTorchSave(zip, 'bomb.pt'), (e: Error) => e instanceof TorchFileError && /bomb\.pt: zip entry 'archive\/data\/0' inflates past its declared 16 bytes/.test(e.message));
});

test('corrupted storage bytes fail the CRC-32 check instead of becoming wrong weights', () => {
  const zip = good();
  const at = Buffer.from(zip).indexOf(Buffer.from(floatBytes([1, 2, 3, 4])));
  assert.ok(at > 0);
  zip[at + 3] ^= 0x40; // 1.0f becomes 4.0f
  assert.throws(() => decodeTorchSave(zip, 'flip.pt'), (e: Error) => e instanceof TorchFileError && /flip\.pt: zip entry 'archive\/data\/0' fails its CRC-32 check/.test(e.message));
});
