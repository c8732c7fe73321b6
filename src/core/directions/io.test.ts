import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSafetensors } from '../../ir/safetensors.js';
import { float32 } from '../../ir/tensor.js';
import { ParamLayout } from '../params.js';
import { gaussianNoise } from './gaussian.js';
import { loadDirection, saveDirection } from './io.js';
import { testLayout } from '../../testing/directions-fixture.js';

function withDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'terrain-directions-'));
  try { body(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

test('save then load gives the same vector bit for bit, with metadata', () => withDir((dir) => {
  const d = gaussianNoise(testLayout, 3), path = join(dir, 'x.safetensors');
  saveDirection(path, d, { spec: 'gaussian:norm=filter:seed=3:bias-bn=zero:scale=1' });
  const { vector, metadata } = loadDirection(path, testLayout);
  assert.deepEqual(vector.data, d.data);
  assert.equal(vector.layout, testLayout);
  assert.equal(metadata['spec'], 'gaussian:norm=filter:seed=3:bias-bn=zero:scale=1');
  assert.equal(metadata['format'], 'terrain-direction');
}));

test('a direction for another model is refused with the names that do not fit', () => withDir((dir) => {
  const path = join(dir, 'y.safetensors');
  saveDirection(path, gaussianNoise(testLayout, 1));
  const smaller = new ParamLayout(testLayout.slots.slice(0, 3).map((s) => ({ name: s.name, shape: s.shape })));
  assert.throws(() => loadDirection(path, smaller), /entries 'bn1\.bias', 'fc\.weight', 'fc\.bias', 'head\.weight', 'scale\.weight' are not parameters of this model/);
  const bigger = new ParamLayout([...testLayout.slots.map((s) => ({ name: s.name, shape: s.shape })), { name: 'extra', shape: [2] }]);
  assert.throws(() => loadDirection(path, bigger), /missing parameter 'extra'/);
  const wrong = join(dir, 'z.safetensors');
  writeSafetensors(wrong, new Map([['w', float32([2, 3])]]));
  assert.throws(() => loadDirection(wrong, new ParamLayout([{ name: 'w', shape: [3, 2] }])), /parameter 'w' has shape \[2,3\], expected \[3,2\]/);
  assert.throws(() => loadDirection(join(dir, 'missing.safetensors'), testLayout), /missing\.safetensors: cannot read/);
}));
