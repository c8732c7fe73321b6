// The format table writes what each format's own encoder writes, and its download bytes are the file's bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLandscapeFormat, LANDSCAPE_FORMAT_NAMES, LANDSCAPE_FORMATS, landscapeBytes } from './formats.js';
import { readLandscapeH5, writeLandscapeH5 } from './hdf5.js';
import { landscapeCsv, landscapeNpy, landscapeVtp, type Landscape } from './landscape.js';

const surface: Landscape = { kind: 'surface', x: [-1, 0, 1], y: [0, 2], loss: [1, 0.5, 1, 2, null, 2.5], accuracy: [0.1, 0.9, 0.2, 0.3, null, 0.4] };
const curve: Landscape = { kind: 'curve', lambdas: [-1, 0, 1], loss: [2, 1, 3], lossStderr: [0.1, 0, 0.2] };

test('each format of the table writes its encoder\'s bytes, and landscapeBytes returns them', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'terrain-format-table-'));
  try {
    const h5 = { split: 'test', attributes: { terrain_kind: 'surface' } };
    for (const l of [curve, surface]) {
      const direct = join(dir, `direct-${l.kind}.h5`);
      await writeLandscapeH5(direct, l, h5);
      const expected: Record<string, Buffer> = {
        csv: Buffer.from(landscapeCsv(l)), npy: landscapeNpy(l), vtp: Buffer.from(landscapeVtp(l)), h5: await readFile(direct),
      };
      for (const name of LANDSCAPE_FORMAT_NAMES) {
        const path = join(dir, `${l.kind}.${LANDSCAPE_FORMATS[name].ext}`);
        await LANDSCAPE_FORMATS[name].write(path, l, h5);
        const viaBytes = join(dir, `bytes-${l.kind}.${LANDSCAPE_FORMATS[name].ext}`);
        await writeFile(viaBytes, await landscapeBytes(name, l, h5));
        if (name === 'h5') {
          // HDF5 stamps each object with its creation second, so two writes differ in those bytes: compare what a
          // reader gets, and the size.
          const want = await readLandscapeH5(direct);
          for (const p of [path, viaBytes]) {
            assert.deepEqual(await readLandscapeH5(p), want, `h5 of a ${l.kind}: ${p === path ? 'write' : 'landscapeBytes'}`);
            assert.equal((await readFile(p)).length, expected.h5!.length);
          }
          continue;
        }
        assert.ok((await readFile(path)).equals(expected[name]!), `${name} of a ${l.kind}: write`);
        assert.ok((await readFile(viaBytes)).equals(expected[name]!), `${name} of a ${l.kind}: landscapeBytes`);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('formats have distinct extensions and a content type; names outside the table are not formats', () => {
  const exts = LANDSCAPE_FORMAT_NAMES.map((n) => LANDSCAPE_FORMATS[n].ext);
  assert.equal(new Set(exts).size, exts.length);
  for (const n of LANDSCAPE_FORMAT_NAMES) assert.match(LANDSCAPE_FORMATS[n].contentType, /^[a-z]+\/[a-z0-9.+-]+$/, n);
  assert.deepEqual(['csv', 'h5', 'png', 'json', 'xlsx', 'll-directions'].map(isLandscapeFormat), [true, true, false, false, false, false]);
});
