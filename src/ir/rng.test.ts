import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boxMuller, createRng } from './rng.js';

test('Box–Muller: a zero uniform is redrawn, then r·cos(2πv) and its spare r·sin(2πv)', () => {
  const us = [0, 0.25, 0.5, 0.9, 0.125];
  const normal = boxMuller(() => us.shift()!);
  const r = Math.sqrt(-2 * Math.log(0.25));
  assert.ok(Math.abs(normal() - -r) < 1e-15);
  assert.ok(Math.abs(normal()) < 1e-15);
  const r2 = Math.sqrt(-2 * Math.log(0.9));
  assert.ok(Math.abs(normal() - r2 * Math.cos(Math.PI / 4)) < 1e-15);
  assert.ok(Math.abs(normal() - r2 * Math.sin(Math.PI / 4)) < 1e-15);
});

test('normals of a seeded generator have mean 0 and variance 1 within sampling error', () => {
  const rng = createRng(3), n = 100_000;
  let s = 0, ss = 0;
  for (let i = 0; i < n; i++) { const x = rng.normal(); s += x; ss += x * x; }
  assert.ok(Math.abs(s / n) < 4 / Math.sqrt(n), `mean ${s / n}`);
  assert.ok(Math.abs(ss / n - 1) < 4 * Math.sqrt(2 / n), `variance ${ss / n}`);
});
