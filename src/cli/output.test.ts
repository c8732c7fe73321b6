import { test } from 'node:test';
import assert from 'node:assert/strict';
import { option, worded } from '../ir/errors.js';
import { etaMs, stderrLine } from './output.js';

test('stderrLine prints core notices with their option mentions as this CLI\'s flags', () => {
  const write = process.stderr.write.bind(process.stderr);
  let text = '';
  process.stderr.write = ((chunk: string) => { text += chunk; return true; }) as typeof process.stderr.write;
  try {
    stderrLine(worded`eigen:2: computing …; pass ${option('hessian', 'DIR')} to reuse a terrain hessian run`);
    stderrLine('plain text');
  } finally {
    process.stderr.write = write;
  }
  assert.equal(text, 'eigen:2: computing …; pass --hessian DIR to reuse a terrain hessian run\nplain text\n');
});

test('etaMs extrapolates the rate so far, and says nothing before the first piece', () => {
  const start = Date.now() - 1000;
  assert.equal(etaMs(start, 0, 10), undefined);
  assert.equal(etaMs(start, 10, 10), 0);
  const eta = etaMs(start, 2, 10)!; // ~500 ms a piece, 8 left
  assert.ok(eta >= 3900 && eta <= 4400, `${eta}`);
});
