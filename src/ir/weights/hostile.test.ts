// Hostile .pt archives: a huge LONG4 integer (quadratic in pickleparser), a deflate stream longer than its declared
// size (a lying zip bomb), corrupted storage bytes (CRC-32). Each is refused quickly, naming the file. The files
// come from the shared generators of src/testing/hostile/files.ts (the CLI suite runs the same ones).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeTorchSave, TorchFileError } from './pt.js';
import { forgeArchive } from './forge.js';
import { flippedBitPt, goodPt, long4Pt, lyingDeflatePt, PT_VALUES } from '../../testing/hostile/files.js';

test('the forged archive itself reads (the cases below differ from it in one thing)', () => {
  assert.deepEqual([...(decodeTorchSave(goodPt(), 'good.pt').tensors.get('fc.weight')!.data as Float32Array)], PT_VALUES);
});

test('a pickle holding a 600 KB LONG4 integer is refused at once, not parsed for minutes', () => {
  const t0 = performance.now();
  assert.throws(() => decodeTorchSave(long4Pt(600_000), 'long.pt'), (e: Error) => e instanceof TorchFileError && /long\.pt: data\.pkl: an integer of 600,000 bytes/.test(e.message));
  assert.ok(performance.now() - t0 < 2000, `${performance.now() - t0} ms`);
  // A small LONG4 (what Python writes for big ints) passes the scan and parses (to an int, not a state_dict).
  assert.throws(() => decodeTorchSave(forgeArchive(new Uint8Array([0x80, 2, 0x8b, 2, 0, 0, 0, 1, 1, 0x2e]), {}), 'small-long.pt'), /small-long\.pt: the file holds no dict of tensors/);
});

test('a deflate stream longer than the size its zip entry declares is refused without inflating it all', () => {
  assert.throws(() => decodeTorchSave(lyingDeflatePt(), 'bomb.pt'), (e: Error) => e instanceof TorchFileError && /bomb\.pt: zip entry 'archive\/data\/0' inflates past its declared 16 bytes/.test(e.message));
});

test('corrupted storage bytes fail the CRC-32 check instead of becoming wrong weights', () => {
  assert.throws(() => decodeTorchSave(flippedBitPt(), 'flip.pt'), (e: Error) => e instanceof TorchFileError && /flip\.pt: zip entry 'archive\/data\/0' fails its CRC-32 check/.test(e.message));
});
