import { test } from 'node:test';
import assert from 'node:assert/strict';
import { landscapeCsv, landscapeFromResult, landscapeVtp } from './landscape.js';

const plain = { kind: 'surface', x: [0, 1], y: [0, 1], loss: [[1, 2], [3, 4]], accuracy: [[0.5, 0.5], [0.25, 0]] };

test('--refine and --tolerance fields become extra columns and arrays; a plain result exports as before', () => {
  const before = landscapeCsv(landscapeFromResult(plain, 'r.json'));
  assert.equal(before.split('\n')[0], 'x,y,loss,accuracy,loss_stderr');
  const refined = { ...plain, measured: [[true, false], [false, true]], interpolationBound: [[0, 0.1], [0.2, 0]], lossSampleStderr: [[0, 0.01], [0.02, 0]] };
  const l = landscapeFromResult(refined, 'r.json');
  const lines = landscapeCsv(l).trim().split('\n');
  assert.equal(lines[0], 'x,y,loss,accuracy,loss_stderr,loss_sample_stderr,measured,interpolation_bound');
  assert.equal(lines[2], '1,0,2,0.5,,0.01,0,0.1');
  const vtp = landscapeVtp(l);
  for (const name of ['measured', 'interpolation_bound', 'loss_sample_stderr']) assert.match(vtp, new RegExp(`Name="${name}"`));
  assert.throws(() => landscapeFromResult({ ...plain, measured: [[true], [false, true]] }, 'r.json'), /'measured\[0\]' should hold 2 values/);
});
